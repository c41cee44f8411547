package testbed.faults.mutation;

import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Throws a {@code RuntimeException} just before one instruction, chosen among all instructions of
 * all methods (constructors included). The throw sits in a private static method added to the
 * class and called at the site, so the code after the site stays reachable and its stack map
 * frames stay valid. Simulates an unexpected exception in the middle of the extension's work: in
 * the middle of a lock's hold, between two halves of an update, inside a revocation.
 *
 * <p>Published model: the injected exceptions (panics) of Nooks' fault injector (Swift, Bershad and
 * Levy 2003, SOSP; 2005, TOCS); VINO's premise that a graft may fail at any instruction and the
 * kernel must still undo it (Seltzer et al. 1996, OSDI, Dealing with Disaster).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: {@code CONTAINED} or {@code ESCAPED}: without a transaction, the half-done
 *       work before the throw (a lock taken, a frame bound) stays in the kernel.
 *   <li>Every protected mode: {@code CONTAINED} (the abort undoes the invocation) or {@code OK}
 *       when the site is not reached; never {@code ESCAPED}, {@code HUNG} or {@code CRASHED}.
 * </ul>
 */
public final class InjectedException extends SiteFault {
    /** The message of the injected exception, followed by the site. */
    public static final String MESSAGE = "injected fault";

    @Override
    public String name() {
        return "inject-exception";
    }

    @Override
    public Family family() {
        return Family.CONTROL;
    }

    @Override
    public String description() {
        return "throws a RuntimeException before one instruction";
    }

    @Override
    public String reference() {
        return "Swift, Bershad and Levy 2003, SOSP, Nooks: injected exception; Seltzer et al. 1996, OSDI, VINO: graft abort at any point";
    }

    @Override
    SiteVisitor sites(Sites sites, MethodVisitor next) {
        return new SiteVisitor(sites, next) {
            @Override
            void beforeInstruction(int opcode) {
                if (sites.take()) {
                    mv.visitMethodInsn(Opcodes.INVOKESTATIC, sites.owner, helperName(sites), "()V", sites.ownerIsInterface);
                    sites.changed("throw RuntimeException before " + Mnemonics.of(opcode));
                }
            }
        };
    }

    @Override
    void complete(ClassVisitor out, Sites sites) {
        MethodVisitor m = out.visitMethod(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC, helperName(sites), "()V", null, null);
        m.visitCode();
        m.visitTypeInsn(Opcodes.NEW, "java/lang/RuntimeException");
        m.visitInsn(Opcodes.DUP);
        m.visitLdcInsn(MESSAGE + " at " + sites.hit());
        m.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/RuntimeException", "<init>", "(Ljava/lang/String;)V", false);
        m.visitInsn(Opcodes.ATHROW);
        m.visitMaxs(0, 0);
        m.visitEnd();
    }

    private static String helperName(Sites sites) {
        return sites.freshMethodName("injectedFault$throw");
    }
}
