package testbed.sandbox.process;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import testbed.kernel.Domain;
import testbed.kernel.PhysicalMemory;
import testbed.kernel.Trap;
import testbed.kernel.api.Hook;
import testbed.sandbox.Budget;
import testbed.sandbox.verify.Rejection;
import testbed.sfi.runtime.Meter;

/**
 * The separate JVM process that {@code PROCESS} mode runs a sandbox's extensions in: the
 * hardware-protection baseline. Each domain's instance there sees a memory that maps only its
 * segment; the kernel's memory, its structures and its other domains do not exist in that
 * process at all. The parent talks to it over its standard input and output ({@link Protocol}).
 *
 * <p>The process is started on the first {@link #define} and again on the first one after it
 * died; {@link #kill} (the watchdog) and {@link #close} end it. Instances defined in a process
 * that died are gone: a call to one traps with {@link Trap.Kind#PROCESS_DIED}.
 *
 * <p>Not thread-safe, except {@link #kill}: one kernel thread drives it, as it drives the kernel.
 */
public final class ExtensionProcess implements AutoCloseable {
    /** Where the child's standard error goes (appended), in the temporary directory. */
    public static final String LOG_FILE = "testbed-extension-process.log";
    /**
     * The child JVM's options: a small heap, a single-threaded collector, the client compiler
     * only (the child runs short-lived extension classes, whose C2 compilations would cost the
     * host's cores more than they save), and the JVM's own warnings kept off the protocol stream.
     */
    static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:+DisplayVMOutputToStderr");
    private static final int BUFFER = 1 << 16;
    /**
     * Fuel a helper call costs an extension in its process: sixteen times what the kernel's JVM
     * charges ({@link Meter#HELPER_FUEL}), since here a helper is a round trip over a pipe, some ten
     * to thirty microseconds against under one in the kernel's JVM. Charged less, a loop of helper
     * calls would keep the kernel waiting on round trips far longer than the same fuel buys in any
     * other mode.
     */
    public static final int HELPER_FUEL = Meter.HELPER_FUEL * 16;

    private volatile Process process;
    private DataInputStream in;
    private DataOutputStream out;
    /** Counts started processes; an instance belongs to the one it was defined in. */
    private int generation;
    private int nextHandle;

    /** An extension process that does not run yet. */
    public ExtensionProcess() {
    }

    /**
     * Defines a rewritten extension class in the process (starting it if needed), links and
     * initialises it under the budget, and returns the kernel's side of the instance, whose
     * {@link RemoteExtension#stub()} the kernel attaches; the instance is made by its
     * {@link RemoteExtension#construct()}, which must run inside the domain's crossing.
     *
     * @param meter the parent's record of the domain's meter: its fuel is what each call may spend
     * @throws Rejection if the JVM refuses the class or it has no public no-argument constructor
     * @throws Trap if the class's initialiser had to be stopped
     * @throws UncheckedIOException if the process cannot be started or dies while defining
     */
    public RemoteExtension define(PhysicalMemory memory, Domain domain, String className, Hook hook, byte[] classBytes,
            Meter meter, Budget budget) throws Rejection {
        int handle = nextHandle++;
        while (true) {
            boolean fresh = ensureRunning();
            try {
                send(handle, domain, className, classBytes, budget);
                break;
            } catch (IOException e) {
                String why = failure(e);
                died();
                // A process that died between calls (killed, or out of memory) is replaced once;
                // one that fails on a class it has just been started for will not do better.
                if (fresh) {
                    throw new UncheckedIOException("the extension process failed while defining " + className + ": " + why, e);
                }
            }
        }
        SegmentMirror mirror = new SegmentMirror(memory, domain.id(), domain.segment());
        return new RemoteExtension(hook, this, generation, handle, domain, mirror, meter, budget);
    }

    /** One DEFINE and its answer. */
    private void send(int handle, Domain domain, String className, byte[] classBytes, Budget budget)
            throws IOException, Rejection {
        out.writeByte(Protocol.DEFINE);
        out.writeInt(handle);
        out.writeUTF(className);
        out.writeLong(domain.segment().base());
        out.writeLong(domain.segment().size());
        out.writeInt(classBytes.length);
        out.write(classBytes);
        out.writeLong(budget.fuel());
        out.writeLong(budget.bytes());
        out.writeInt(budget.depth());
        out.flush();
        int answer = in.readUnsignedByte();
        if (answer == Protocol.DEFINED) {
            return;
        }
        if (answer == Protocol.REFUSED) {
            int reason = in.readUnsignedByte();
            String error = in.readUTF();
            String message = in.readUTF();
            if (reason == Protocol.NO_CONSTRUCTOR) {
                throw Rejection.shape(className, "no public no-argument constructor");
            }
            throw Rejection.jvmVerification(className, linkageError(error, message));
        }
        if (answer == Protocol.TRAP) {
            Trap trap = readTrap(in);
            in.readLong();
            if (in.readInt() != 0) {
                throw new ProtocolViolation("pages changed by a class initialiser, which has no memory");
            }
            throw trap;
        }
        throw new ProtocolViolation("answer " + answer + " to DEFINE");
    }

    /** Kills the process at once, from any thread: the watchdog's way to stop a call that overstays. */
    public void kill() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
        }
    }

    /** Ends the process: its instances are gone. Idempotent. */
    @Override
    public void close() {
        Process p = process;
        if (p != null) {
            try {
                out.close();
            } catch (IOException alreadyGone) {
                // The process is killed below either way.
            }
            p.destroyForcibly();
            process = null;
        }
    }

    // ---- for the stubs ----

    /** The output to the process an instance of {@code generationOfInstance} lives in, or null if that process is gone. */
    DataOutputStream output(int generationOfInstance) {
        return process != null && generationOfInstance == generation ? out : null;
    }

    DataInputStream input() {
        return in;
    }

    /** Forgets a process that died or broke the protocol (killing it if it still runs); the next define starts another. */
    void died() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
            process = null;
        }
    }

    /** Why the conversation failed, for a trap message: the exit status if the process ended. */
    String failure(IOException e) {
        Process p = process;
        String cause = e instanceof ProtocolViolation ? e.getMessage()
                : e instanceof EOFException ? "its output ended" : e.toString();
        if (p == null) {
            return cause;
        }
        try {
            if (p.waitFor(200, TimeUnit.MILLISECONDS)) {
                return cause + ", exit status " + p.exitValue() + " (its standard error is in " + logFile() + ")";
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        return cause;
    }

    static Trap readTrap(DataInputStream in) throws IOException {
        int kind = in.readUnsignedByte();
        String location = in.readUTF();
        String detail = in.readUTF();
        Trap.Kind[] kinds = Trap.Kind.values();
        if (kind >= kinds.length) {
            throw new ProtocolViolation("trap kind " + kind);
        }
        return new Trap(kinds[kind], -1, location, detail);
    }

    // ---- machinery ----

    /** @return whether a process had to be started */
    private boolean ensureRunning() {
        if (process != null && process.isAlive()) {
            return false;
        }
        died();
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(JVM_OPTIONS);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ChildMain.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
        try {
            Process started = builder.start();
            in = new DataInputStream(started.getInputStream());
            out = new DataOutputStream(new BufferedOutputStream(started.getOutputStream(), BUFFER));
            process = started;
            generation++;
            int magic = in.readInt();
            int version = in.readInt();
            if (magic != Protocol.MAGIC || version != Protocol.VERSION) {
                throw new ProtocolViolation("greeting 0x" + Integer.toHexString(magic) + " version " + version);
            }
        } catch (IOException e) {
            String why = failure(e);
            died();
            throw new UncheckedIOException("cannot start the extension process " + command + ": " + why, e);
        }
        return true;
    }

    private static Path logFile() {
        return Path.of(System.getProperty("java.io.tmpdir"), LOG_FILE);
    }

    /** The JVM's refusal as the child saw it, retyped where it is a standard one so the rejection reads the same. */
    private static LinkageError linkageError(String type, String text) {
        String message = text.isEmpty() ? null : text;
        switch (type) {
            case "java.lang.VerifyError":
                return new VerifyError(message);
            case "java.lang.ClassFormatError":
                return new ClassFormatError(message);
            case "java.lang.UnsupportedClassVersionError":
                return new UnsupportedClassVersionError(message);
            case "java.lang.NoClassDefFoundError":
                return new NoClassDefFoundError(message);
            case "java.lang.IncompatibleClassChangeError":
                return new IncompatibleClassChangeError(message);
            case "java.lang.ClassCircularityError":
                return new ClassCircularityError(message);
            default:
                return new LinkageError(type + (message == null ? "" : ": " + message));
        }
    }
}
