package testbed.sandbox;

import testbed.kernel.Domain;
import testbed.kernel.MachineCheck;
import testbed.kernel.Trap;

/** Turns what the JVM throws inside an extension into the kernel's typed {@link Trap}. */
final class Traps {
    private Traps() {
    }

    static Trap fromThrowable(Domain domain, Throwable t) {
        String where = DomainClassLoader.innermostFrame(t);
        if (t instanceof StackOverflowError) {
            return new Trap(Trap.Kind.STACK_DEPTH, domain.id(), where, "JVM stack overflow in " + domain.name(), t);
        }
        if (t instanceof MachineCheck check && check.guardPage()) {
            return new Trap(Trap.Kind.GUARD_PAGE, domain.id(), where, check.getMessage() + " in " + domain.name(), t);
        }
        if (t instanceof OutOfMemoryError) {
            return new Trap(Trap.Kind.MEMORY_BUDGET, domain.id(), where, "JVM heap exhausted in " + domain.name(), t);
        }
        return new Trap(Trap.Kind.UNCAUGHT_EXCEPTION, domain.id(), where,
                t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage()), t);
    }
}
