package testbed.sandbox.process;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import testbed.kernel.Trap;
import testbed.kernel.api.Hook;
import testbed.sandbox.DomainClassLoader;
import testbed.sfi.runtime.Meter;

/**
 * The main class of the extension's process: defines the classes the kernel sends, each in its
 * own {@link DomainClassLoader} as in the kernel's JVM, and runs calls into their instances, each
 * with a {@link ChildMemory} that maps only the instance's segment and a {@link Meter} refilled
 * per call with the budget the kernel sends. Everything it knows of the kernel arrives in
 * {@link Protocol} messages; it ends when its standard input does.
 */
public final class ChildMain {
    private static final int BUFFER = 1 << 16;
    private static final MethodType NO_ARG_CONSTRUCTOR = MethodType.methodType(void.class);

    private final DataInputStream in;
    private final DataOutputStream out;
    private final Map<Integer, Instance> instances = new HashMap<>();
    /**
     * Classes defined before, by their bytes, for a DEFINE of the same bytes once the instance
     * that used one is dropped: the sandbox's own load cache, on this side of the pipe (sound for
     * the same reason: a verified, rewritten class has no static state).
     */
    private final Map<ClassKey, Defined> defined = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ClassKey, Defined> eldest) {
            return size() > DEFINED_CAPACITY;
        }
    };
    private static final int DEFINED_CAPACITY = 256;

    /** A defined, linked class with its meter, and whether a live instance uses it. */
    private static final class Defined {
        final MethodHandle constructor;
        final Meter meter;
        boolean inUse;

        Defined(MethodHandle constructor, Meter meter) {
            this.constructor = constructor;
            this.meter = meter;
        }
    }

    /** Class bytes and segment, compared by content. */
    private record ClassKey(int hash, byte[] bytes, long base, long size) {
        ClassKey(byte[] bytes, long base, long size) {
            this(Arrays.hashCode(bytes), bytes, base, size);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ClassKey k && k.hash == hash && k.base == base && k.size == size && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** One extension instance: its class's constructor, meter and address space. */
    private static final class Instance {
        final Defined type;
        final MethodHandle constructor;
        final Meter meter;
        final ChildMemory memory;
        final ChildContext context;
        Object extension;

        Instance(Defined type, ChildMemory memory, ChildContext context) {
            this.type = type;
            this.constructor = type.constructor;
            this.meter = type.meter;
            this.memory = memory;
            this.context = context;
        }
    }

    private ChildMain(DataInputStream in, DataOutputStream out) {
        this.in = in;
        this.out = out;
    }

    /** Serves the kernel on standard input and output until standard input ends. */
    public static void main(String[] args) {
        // A signal to the campaign's process group (Ctrl-C, timeout(1)) is the campaign's to act on:
        // a child dying of it would make its trial look like the extension's failure. The child
        // ends when its standard input does.
        for (String signal : new String[] {"INT", "TERM"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), sun.misc.SignalHandler.SIG_IGN);
        }
        FileOutputStream protocol = new FileOutputStream(FileDescriptor.out);
        // Nothing but the protocol may reach file descriptor 1.
        System.setOut(System.err);
        ChildMain child = new ChildMain(
                new DataInputStream(new BufferedInputStream(new FileInputStream(FileDescriptor.in), BUFFER)),
                new DataOutputStream(new BufferedOutputStream(protocol, BUFFER)));
        int status = 0;
        try {
            child.serve();
        } catch (IOException e) {
            System.err.println("extension process: " + e);
            status = 2;
        }
        Runtime.getRuntime().halt(status);
    }

    private void serve() throws IOException {
        out.writeInt(Protocol.MAGIC);
        out.writeInt(Protocol.VERSION);
        out.flush();
        for (int message; (message = in.read()) >= 0; ) {
            switch (message) {
                case Protocol.DEFINE:
                    define();
                    break;
                case Protocol.CALL:
                    call();
                    break;
                case Protocol.DROP:
                    Instance dropped = instances.remove(in.readInt());
                    if (dropped != null) {
                        dropped.type.inUse = false;
                    }
                    break;
                default:
                    throw new IOException("protocol violation: message " + message);
            }
        }
    }

    private void define() throws IOException {
        int handle = in.readInt();
        String name = in.readUTF();
        long base = in.readLong();
        long size = in.readLong();
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        long fuel = in.readLong();
        long allocation = in.readLong();
        int depth = in.readInt();
        ClassKey key = new ClassKey(bytes, base, size);
        Defined type = defined.get(key);
        if (type == null || type.inUse) {
            type = define(name, bytes, fuel, allocation, depth);
            if (type == null) {
                return;
            }
            defined.putIfAbsent(key, type);
        }
        type.inUse = true;
        ChildMemory memory = new ChildMemory(base, size);
        instances.put(handle, new Instance(type, memory, new ChildContext(this, memory, type.meter, base, size)));
        out.writeByte(Protocol.DEFINED);
        out.flush();
    }

    /** Defines and links a class in a loader of its own; null once the refusal or trap is answered. */
    private Defined define(String name, byte[] bytes, long fuel, long allocation, int depth) throws IOException {
        DomainClassLoader loader = new DomainClassLoader(name, ChildMain.class.getClassLoader(), false);
        Meter meter = new Meter();
        try {
            Class<?> type = loader.define(bytes);
            Meter.bind(type, meter);
            meter.refill(fuel, allocation, depth);
            // Linking first tells the JVM's own verification errors (nothing ran) from faults of code that ran.
            Class.forName(name, true, loader);
            return new Defined(MethodHandles.publicLookup().findConstructor(type, NO_ARG_CONSTRUCTOR), meter);
        } catch (Trap stopped) {
            out.writeByte(Protocol.TRAP);
            writeTrap(stopped);
            out.writeLong(meter.fuelLeft());
            out.writeInt(0);
            out.flush();
        } catch (LinkageError e) {
            refuse(Protocol.LINKAGE, e);
        } catch (ReflectiveOperationException e) {
            refuse(Protocol.NO_CONSTRUCTOR, e);
        }
        return null;
    }

    private void refuse(int reason, Throwable e) throws IOException {
        out.writeByte(Protocol.REFUSED);
        out.writeByte(reason);
        out.writeUTF(e.getClass().getName());
        out.writeUTF(e.getMessage() == null ? "" : Protocol.cut(e.getMessage()));
        out.flush();
    }

    private void call() throws IOException {
        int handle = in.readInt();
        int method = in.readUnsignedByte();
        long a = in.readLong();
        long b = in.readLong();
        long fuel = in.readLong();
        long allocation = in.readLong();
        int depth = in.readInt();
        Instance x = instances.get(handle);
        if (x == null) {
            throw new IOException("protocol violation: call of unknown instance " + handle);
        }
        x.memory.receive(in);
        x.memory.beginCall();
        x.meter.refill(fuel, allocation, depth);
        long result = 0;
        Throwable thrown = null;
        try {
            result = invoke(x, method, a, b);
        } catch (Throwable t) {
            thrown = t;
        }
        if (x.memory.fault() != null) {
            // A page fault stands however the extension carried on: no mapping ever satisfied the access.
            thrown = x.memory.fault();
        }
        if (thrown == null) {
            out.writeByte(Protocol.RETURN);
            out.writeLong(result);
        } else if (thrown instanceof Trap) {
            out.writeByte(Protocol.TRAP);
            writeTrap((Trap) thrown);
        } else {
            out.writeByte(Protocol.EXCEPTION);
            out.writeUTF(thrown.getClass().getName());
            out.writeBoolean(thrown.getMessage() != null);
            if (thrown.getMessage() != null) {
                out.writeUTF(Protocol.cut(thrown.getMessage()));
            }
            out.writeUTF(Protocol.cut(DomainClassLoader.innermostFrame(thrown)));
        }
        out.writeLong(x.meter.fuelLeft());
        x.memory.sendDirty(out);
        out.flush();
    }

    private static long invoke(Instance x, int method, long a, long b) throws Throwable {
        if (method == Protocol.CONSTRUCT) {
            x.extension = x.constructor.invoke();
            return 0;
        }
        Hook.Method hookMethod = Hook.method(method).orElseThrow(() -> new IllegalArgumentException("unknown method " + method));
        return hookMethod.invoke(x.extension, x.context, a, b);
    }

    /**
     * A helper call of the running instance: hands the kernel the dirty pages, waits for the
     * result and the pages the helper changed. If the kernel is gone there is nobody left to
     * answer, and the process ends.
     */
    long helper(ChildMemory memory, int helper, long a, long b) {
        try {
            out.writeByte(Protocol.HELPER);
            out.writeByte(helper);
            out.writeLong(a);
            out.writeLong(b);
            memory.sendDirty(out);
            out.flush();
            int message = in.readUnsignedByte();
            if (message != Protocol.RESULT) {
                throw new IOException("protocol violation: message " + message + " while waiting for a helper's result");
            }
            long value = in.readLong();
            memory.receive(in);
            return value;
        } catch (IOException e) {
            System.err.println("extension process: " + e);
            Runtime.getRuntime().halt(2);
            throw new IllegalStateException(e);
        }
    }

    private void writeTrap(Trap trap) throws IOException {
        out.writeByte(trap.kind().ordinal());
        out.writeUTF(Protocol.cut(trap.location()));
        out.writeUTF(Protocol.cut(trap.getMessage().substring(trap.kind().prefix().length() + 2)));
    }

    /** The innermost stack frame in extension code, as {@code Class.method:line}, or empty. */
}
