package testbed.faults.mutation;

import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Deletes one {@code Context.unlock} call; the extension sees {@link testbed.kernel.api.Status#OK}
 * as if the lock had been released, and returns still holding it. Every other domain that wants
 * the lock then waits or gets {@code EBUSY}. Simulates a missing lock release on one path.
 *
 * <p>Published model: the "synchronization" fault of Rio (Chen et al. 1996, ASPLOS, The Rio File
 * Cache) and the "lock release removed" fault of Nooks (Swift, Bershad and Levy 2003, SOSP); the
 * case VINO's lock time-outs and graft abort exist for (Seltzer et al. 1996, OSDI, Dealing with
 * Disaster).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: {@code ESCAPED} (the oracle finds a kernel lock held by a domain between
 *       invocations) or {@code HUNG} if the workload waits for the lock.
 *   <li>Every protected mode: {@code CONTAINED} (the lock time-out or the end-of-invocation check
 *       aborts the domain and releases its locks) or {@code OK} when the site is not reached; never
 *       {@code ESCAPED}, {@code HUNG} or {@code CRASHED}.
 * </ul>
 */
public final class RemovedLockRelease extends SiteFault {

    @Override
    public String name() {
        return "remove-lock-release";
    }

    @Override
    public Family family() {
        return Family.RESOURCE;
    }

    @Override
    public String description() {
        return "deletes one Context.unlock call, which then seems to return OK";
    }

    @Override
    public String reference() {
        return "Chen et al. 1996, ASPLOS, The Rio File Cache: synchronization; Swift, Bershad and Levy 2003, SOSP, Nooks: lock release removed";
    }

    @Override
    SiteVisitor sites(Sites sites, MethodVisitor next) {
        return new SiteVisitor(sites, next) {
            @Override
            public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
                if (owner.equals(CONTEXT) && name.equals("unlock") && sites.take()) {
                    popCall(opcode, descriptor);
                    mv.visitInsn(Opcodes.ICONST_0); // Status.OK
                    sites.changed("deleted Context.unlock, result OK");
                    return;
                }
                super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
            }
        };
    }
}
