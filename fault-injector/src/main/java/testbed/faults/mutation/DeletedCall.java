package testbed.faults.mutation;

import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Type;

/**
 * Deletes one call into the kernel: a {@code Memory} store or {@code copy}, or a {@code Context}
 * helper other than {@code memory()}. The call's receiver and arguments are popped and a default
 * result is pushed in place of the answer: {@code 0}, which reads as {@link
 * testbed.kernel.api.Status#OK} from a helper, as address 0 from {@code alloc} or
 * {@code segmentBase}, and as frame 0 from {@code bindFrame}. Simulates a deleted instruction: a
 * write that never happens, a resource never taken or never given back, a result never computed.
 *
 * <p>Published model: the "delete random instruction" fault of Rio (Chen et al. 1996, ASPLOS, The
 * Rio File Cache) and the "deleted instruction" fault of Nooks (Swift, Bershad and Levy 2003,
 * SOSP).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: anything: a deleted store is {@code WRONG_RESULT}, a deleted
 *       {@code segmentBase} turns the extension's own accesses into wild ones near address 0
 *       ({@code ESCAPED}), a deleted release leaks ({@code ESCAPED} by the oracle's leak check).
 *   <li>{@code SFI_MASK}: {@code OK}, {@code WRONG_RESULT} or {@code CONTAINED}.
 *   <li>{@code SFI_CHECK}, {@code BOUNDS}, {@code VERIFIED}, {@code PROCESS}: {@code OK},
 *       {@code WRONG_RESULT} or {@code CONTAINED} (the abort releases what was leaked); never
 *       {@code ESCAPED}, {@code HUNG} or {@code CRASHED}.
 * </ul>
 */
public final class DeletedCall extends SiteFault {

    @Override
    public String name() {
        return "delete-call";
    }

    @Override
    public Family family() {
        return Family.KERNEL_INTERFACE;
    }

    @Override
    public String description() {
        return "deletes one memory store or kernel helper call, leaving 0 as its result";
    }

    @Override
    public String reference() {
        return "Chen et al. 1996, ASPLOS, The Rio File Cache: delete random instruction; Swift, Bershad and Levy 2003, SOSP, Nooks: deleted instruction";
    }

    @Override
    SiteVisitor sites(Sites sites, MethodVisitor next) {
        return new SiteVisitor(sites, next) {
            @Override
            public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
                if (deletable(owner, name) && sites.take()) {
                    popCall(opcode, descriptor);
                    Type result = Type.getReturnType(descriptor);
                    pushValue(result, 0);
                    sites.changed("deleted " + simpleName(owner) + "." + name
                            + (result.getSort() == Type.VOID ? "" : ", result 0"));
                    return;
                }
                super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
            }
        };
    }

    private static boolean deletable(String owner, String name) {
        if (owner.equals(SiteVisitor.MEMORY)) {
            return name.startsWith("store") || name.equals("copy");
        }
        return owner.equals(SiteVisitor.CONTEXT) && !name.equals("memory");
    }

    private static String simpleName(String internalName) {
        return internalName.substring(internalName.lastIndexOf('/') + 1);
    }
}
