package testbed.faults.environment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import testbed.faults.Fault;
import testbed.kernel.api.Status;

/**
 * Makes one kernel helper call fail: the seed picks a helper the extension calls, which of its
 * calls fails (the first with probability 1/2, the second 1/4, ... up to the eighth) and a status
 * that helper documents for a real failure ({@code alloc} and {@code bindFrame} run out of memory,
 * {@code lock} finds the lock busy, {@code unlock} is refused, any helper may be refused for want
 * of a capability). Simulates a kernel that says no: does the extension check the status, and does
 * it still give back what it took?
 *
 * <p>Published model: the "interface error" and failed-allocation faults of the Rio studies (Chen
 * et al. 1996, ASPLOS, The Rio File Cache; Ng and Chen 1999, FTCS, The Systematic Improvement of
 * Fault Tolerance in the Rio File Cache), and the kernel-call failures Nooks injected at the driver
 * interface (Swift, Bershad and Levy 2003, SOSP).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: {@code OK} or {@code WRONG_RESULT} for an extension that checks; one that
 *       does not may use the negative status as an address or a frame number ({@code ESCAPED},
 *       {@code CRASHED}).
 *   <li>Every protected mode: {@code OK}, {@code WRONG_RESULT} or {@code CONTAINED}; never
 *       {@code ESCAPED}, {@code HUNG} or {@code CRASHED}.
 * </ul>
 */
public final class HelperFailure implements EnvironmentFault {
    private static final String CONTEXT = "testbed/kernel/api/Context";
    /** The helpers that can fail and the statuses each may fail with, as {@code Context} documents them. */
    private static final Map<String, int[]> FAILURES = failures();

    private static Map<String, int[]> failures() {
        Map<String, int[]> m = new LinkedHashMap<>();
        m.put("alloc", new int[] {Status.ENOMEM, Status.EINVAL, Status.EPERM});
        m.put("free", new int[] {Status.ENOENT, Status.EPERM});
        m.put("sendPacket", new int[] {Status.ENOMEM, Status.EFAULT, Status.EINVAL, Status.EPERM});
        m.put("log", new int[] {Status.ENOMEM, Status.EFAULT, Status.EINVAL, Status.EPERM});
        m.put("lock", new int[] {Status.EBUSY, Status.EDEADLK, Status.EINVAL, Status.EPERM});
        m.put("unlock", new int[] {Status.EPERM, Status.EINVAL});
        m.put("bindFrame", new int[] {Status.ENOMEM, Status.EPERM});
        m.put("releaseFrame", new int[] {Status.EPERM, Status.ENOENT});
        return m;
    }

    @Override
    public String name() {
        return "helper-failure";
    }

    @Override
    public Family family() {
        return Family.ENVIRONMENT;
    }

    @Override
    public String description() {
        return "one call of a kernel helper the extension uses returns an error status";
    }

    @Override
    public String reference() {
        return "Chen et al. 1996, ASPLOS, The Rio File Cache, and Ng and Chen 1999, FTCS: interface errors; Swift, Bershad and Levy 2003, SOSP, Nooks: failed kernel calls";
    }

    @Override
    public Arming arm(TrialEnvironment env, long seed) {
        List<String> helpers = helpersCalled(env.extensionClass());
        if (helpers.isEmpty()) {
            return Arming.notApplicable("the extension calls no kernel helper that can fail");
        }
        String helper = helpers.get(Math.floorMod(Fault.draw(seed, 0), helpers.size()));
        // geometric: call 1 with probability 1/2, call 2 with 1/4, ..., at most call 8
        int nthCall = 1 + Long.numberOfTrailingZeros(Fault.draw(seed, 1) | 0x80);
        int[] statuses = FAILURES.get(helper);
        int status = statuses[Math.floorMod(Fault.draw(seed, 2), statuses.length)];
        env.failHelper(helper, nthCall, status);
        return Arming.of(helper + " returns " + Status.name(status) + " at call " + nthCall);
    }

    /** The helpers that can fail and that the class calls, in {@link #FAILURES} order. */
    static List<String> helpersCalled(byte[] classBytes) {
        boolean[] called = new boolean[FAILURES.size()];
        List<String> names = List.copyOf(FAILURES.keySet());
        new ClassReader(classBytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        int i = owner.equals(CONTEXT) ? names.indexOf(method) : -1;
                        if (i >= 0) {
                            called[i] = true;
                        }
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        List<String> result = new ArrayList<>();
        for (int i = 0; i < called.length; i++) {
            if (called[i]) {
                result.add(names.get(i));
            }
        }
        return result;
    }
}
