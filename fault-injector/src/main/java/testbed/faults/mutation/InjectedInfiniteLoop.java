package testbed.faults.mutation;

import java.util.HashSet;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Makes one method spin forever at its entry or at one of its loops' back-edges (then at the end
 * of the loop's first iteration): the site calls a private static method added to the class whose
 * body is {@code L: goto L}. The loop is the extension's own code, metered like any other loop,
 * and the code after the site keeps its stack map frames. Simulates an extension that never
 * returns.
 *
 * <p>Published model: the injected infinite loop (hang) of Nooks' fault injector (Swift, Bershad
 * and Levy 2003, SOSP; 2005, TOCS); the runaway graft VINO bounds with time-outs (Seltzer et al.
 * 1996, OSDI, Dealing with Disaster).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: {@code HUNG} (only the watchdog ends it) when the site is reached.
 *   <li>Every metered mode: {@code CONTAINED} (fuel runs out) or {@code OK} when the site is not
 *       reached; never {@code ESCAPED}, {@code HUNG} or {@code CRASHED}.
 * </ul>
 */
public final class InjectedInfiniteLoop extends SiteFault {

    @Override
    public String name() {
        return "inject-infinite-loop";
    }

    @Override
    public Family family() {
        return Family.CONTROL;
    }

    @Override
    public String description() {
        return "spins forever at one method's entry or at one loop back-edge";
    }

    @Override
    public String reference() {
        return "Swift, Bershad and Levy 2003, SOSP, Nooks: injected infinite loop; Seltzer et al. 1996, OSDI, VINO: runaway grafts";
    }

    @Override
    SiteVisitor sites(Sites sites, MethodVisitor next) {
        return new SiteVisitor(sites, next) {
            private final Set<Label> visited = new HashSet<>();

            @Override
            public void visitLabel(Label label) {
                visited.add(label);
                super.visitLabel(label);
            }

            @Override
            void beforeInstruction(int opcode) {
                if (sites.index == 0 && sites.take()) {
                    spin();
                    sites.changed("spin forever at method entry");
                }
            }

            @Override
            public void visitJumpInsn(int opcode, Label label) {
                if (visited.contains(label) && sites.take()) {
                    spin();
                    sites.changed("spin forever before back-edge " + Mnemonics.of(opcode));
                }
                super.visitJumpInsn(opcode, label);
            }

            private void spin() {
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, sites.owner, helperName(sites), "()V", sites.ownerIsInterface);
            }
        };
    }

    @Override
    void complete(ClassVisitor out, Sites sites) {
        MethodVisitor m = out.visitMethod(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC, helperName(sites), "()V", null, null);
        m.visitCode();
        Label loop = new Label();
        m.visitLabel(loop);
        m.visitFrame(Opcodes.F_SAME, 0, null, 0, null); // a jump target needs a frame, even at offset 0
        m.visitJumpInsn(Opcodes.GOTO, loop);
        m.visitMaxs(0, 0);
        m.visitEnd();
    }

    private static String helperName(Sites sites) {
        return sites.freshMethodName("injectedFault$spin");
    }
}
