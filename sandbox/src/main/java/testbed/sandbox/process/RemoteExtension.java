package testbed.sandbox.process;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import testbed.kernel.Domain;
import testbed.kernel.Trap;
import testbed.kernel.api.Context;
import testbed.kernel.api.Hook;
import testbed.sandbox.Budget;
import testbed.sfi.runtime.Meter;

/**
 * The kernel's side of one extension instance living in an {@link ExtensionProcess}: its
 * {@link #stub()} implements the same hook interface (made from the hook table by
 * {@link Hook#remote}) and turns each call into a round trip. While the call is out, the helpers
 * the extension calls come back and run here, against the {@link Context} the kernel passed in,
 * so capabilities, the invocation's transaction and the lock table work as in every other mode.
 *
 * <p>A call ends in the extension's answer, or in a {@link Trap}: the one the process reported
 * (fuel, allocation, depth, a page fault), {@link Trap.Kind#UNCAUGHT_EXCEPTION} (or the kind the
 * in-JVM modes give a JVM error) for an exception out of the extension, {@link Trap.Kind#WATCHDOG}
 * if the watchdog killed the process, {@link Trap.Kind#PROCESS_DIED} if it died, was gone already
 * or broke the protocol. The stub must be called inside the domain's {@code TransactionalCrossing},
 * which turns the trap into an abort.
 */
public final class RemoteExtension implements Hook.Remote {
    private final ExtensionProcess process;
    private final int generation;
    private final int handle;
    private final Domain domain;
    private final SegmentMirror mirror;
    private final Meter meter;
    private final Budget budget;
    private final Object stub;

    RemoteExtension(Hook hook, ExtensionProcess process, int generation, int handle, Domain domain, SegmentMirror mirror,
            Meter meter, Budget budget) {
        this.process = process;
        this.generation = generation;
        this.handle = handle;
        this.domain = domain;
        this.mirror = mirror;
        this.meter = meter;
        this.budget = budget;
        this.stub = hook.remote(this);
    }

    /** What the kernel attaches: an object implementing the extension's hook interface whose calls come here. */
    public Object stub() {
        return stub;
    }

    /** Makes the instance in the process: its constructor runs there, metered. */
    public void construct() {
        call(null, Protocol.CONSTRUCT, 0, 0);
    }

    /** Lets the process forget the instance; sent with the next message, not waited for. */
    public void drop() {
        DataOutputStream out = process.output(generation);
        if (out != null) {
            try {
                out.writeByte(Protocol.DROP);
                out.writeInt(handle);
            } catch (IOException gone) {
                // The next call finds out; the instance went with its process.
            }
        }
    }

    @Override
    public long call(Context ctx, Hook.Method method, long a, long b) {
        return call(ctx, method.id(), a, b);
    }

    /**
     * One call into the instance: passes the budget the crossing put into {@link #meter} and the
     * pages the process has not seen, serves helpers until the answer, and records the fuel the
     * process has left in {@link #meter}.
     */
    private long call(Context ctx, int method, long a, long b) {
        DataOutputStream out = process.output(generation);
        if (out == null) {
            throw new Trap(Trap.Kind.PROCESS_DIED, -1, "", "the process " + domain.name()
                    + " was loaded in has died since; its instance is gone");
        }
        long fuel = meter.fuelLeft();
        Trap trap;
        try {
            out.writeByte(Protocol.CALL);
            out.writeInt(handle);
            out.writeByte(method);
            out.writeLong(a);
            out.writeLong(b);
            out.writeLong(fuel);
            out.writeLong(budget.bytes());
            out.writeInt(budget.depth());
            mirror.send(out);
            out.flush();
            DataInputStream in = process.input();
            while (true) {
                int message = in.readUnsignedByte();
                if (message == Protocol.HELPER) {
                    int helper = in.readUnsignedByte();
                    long x = in.readLong();
                    long y = in.readLong();
                    mirror.receive(in);
                    long value = helper(ctx, helper, x, y);
                    out.writeByte(Protocol.RESULT);
                    out.writeLong(value);
                    mirror.send(out);
                    out.flush();
                } else if (message == Protocol.RETURN) {
                    long value = in.readLong();
                    settle(fuel, in.readLong());
                    mirror.receive(in);
                    return value;
                } else if (message == Protocol.TRAP) {
                    trap = ExtensionProcess.readTrap(in);
                    settle(fuel, in.readLong());
                    mirror.receive(in);
                    break;
                } else if (message == Protocol.EXCEPTION) {
                    trap = exception(in);
                    settle(fuel, in.readLong());
                    mirror.receive(in);
                    break;
                } else {
                    throw new ProtocolViolation("message " + message + " during a call");
                }
            }
        } catch (IOException e) {
            boolean watchdog = meter.stopped() == Trap.Kind.WATCHDOG;
            String why = process.failure(e);
            process.died();
            throw watchdog
                    ? new Trap(Trap.Kind.WATCHDOG, -1, "", "invocation ran longer than " + budget.watchdog().toMillis()
                            + " ms; the extension's process was killed")
                    : new Trap(Trap.Kind.PROCESS_DIED, -1, "", "the process of " + domain.name() + " died mid-call: " + why);
        } catch (RuntimeException | Error e) {
            // A helper failed in the kernel: the process still waits for its result, so it cannot be used again.
            process.died();
            throw e;
        }
        throw trap;
    }

    /** Records what the process left of the fuel it was given, so preemption counts what was used. */
    private void settle(long given, long left) {
        meter.refill(Math.max(0, Math.min(given, left)), budget.bytes(), budget.depth());
    }

    /** The trap an exception out of the extension gives, as {@code Traps} gives it in the in-JVM modes. */
    private Trap exception(DataInputStream in) throws IOException {
        String type = in.readUTF();
        String message = in.readBoolean() ? in.readUTF() : null;
        String location = in.readUTF();
        if (type.equals(StackOverflowError.class.getName())) {
            return new Trap(Trap.Kind.STACK_DEPTH, -1, location, "JVM stack overflow in " + domain.name());
        }
        if (type.equals(OutOfMemoryError.class.getName())) {
            return new Trap(Trap.Kind.MEMORY_BUDGET, -1, location, "JVM heap exhausted in " + domain.name());
        }
        return new Trap(Trap.Kind.UNCAUGHT_EXCEPTION, -1, location, type + (message == null ? "" : ": " + message));
    }

    private static long helper(Context ctx, int helper, long a, long b) throws ProtocolViolation {
        if (ctx == null) {
            throw new ProtocolViolation("helper " + helper + " called from a constructor, which has no context");
        }
        switch (helper) {
            case Protocol.ALLOC:
                return ctx.alloc(a);
            case Protocol.FREE:
                return ctx.free(a);
            case Protocol.SEND_PACKET:
                return ctx.sendPacket(a, (int) b);
            case Protocol.LOG:
                return ctx.log(a, (int) b);
            case Protocol.LOCK:
                return ctx.lock((int) a);
            case Protocol.UNLOCK:
                return ctx.unlock((int) a);
            case Protocol.TIME:
                return ctx.time();
            case Protocol.BIND_FRAME:
                return ctx.bindFrame();
            case Protocol.RELEASE_FRAME:
                return ctx.releaseFrame((int) a);
            default:
                throw new ProtocolViolation("unknown helper " + helper);
        }
    }

    @Override
    public String toString() {
        return "remote extension #" + handle + " of " + domain.name();
    }
}
