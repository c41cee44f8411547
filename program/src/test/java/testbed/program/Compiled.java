package testbed.program;

import testbed.kernel.api.Context;
import testbed.kernel.api.PacketFilter;

/** Compiles a program, defines it in a class loader of its own (so the JVM verifies it) and runs it. */
public final class Compiled {
    /** What a call of {@code filter} ended in. */
    record Ending(int result, Throwable thrown) {
    }

    private Compiled() {
    }

    public static PacketFilter load(Program program) {
        return load(ProgramCompiler.compile(program));
    }

    public static PacketFilter load(byte[] bytes) {
        try {
            return (PacketFilter) new OneClass().define(bytes).getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    static Ending run(Program program, Context ctx, long packet, int length) {
        PacketFilter filter = load(program);
        try {
            return new Ending(filter.filter(ctx, packet, length), null);
        } catch (RuntimeException | StackOverflowError e) {
            return new Ending(0, e);
        }
    }

    private static final class OneClass extends ClassLoader {
        OneClass() {
            super(Compiled.class.getClassLoader());
        }

        Class<?> define(byte[] bytes) {
            return defineClass(null, bytes, 0, bytes.length);
        }
    }
}
