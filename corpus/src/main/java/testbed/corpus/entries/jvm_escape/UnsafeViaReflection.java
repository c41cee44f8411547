package testbed.corpus.entries.jvm_escape;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.BootHeader;
import testbed.kernel.api.Context;
import testbed.kernel.api.Memory;
import testbed.kernel.api.PacketFilter;

/**
 * {@code sun.misc.Unsafe} obtained by reflection: the filter reads the {@code theUnsafe}
 * singleton, uses it to read the fields of the {@code Memory} object (and one level below) by raw
 * offset, with no {@code setAccessible} on them, until it finds the {@code byte[]} behind physical
 * memory, and writes the frame table through {@code Unsafe.putLong}: no bounds check, no type
 * check, no write monitor.
 *
 * <p>Represents: the Unsafe API as the escape hatch out of Java's safety guarantees (Mastrangelo,
 * Ponzanelli, Mocci, Lanza, Hauswirth and Nystrom 2015); with a raw address instead of an object
 * it would crash the JVM itself.
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: ESCAPED. The frame table changes without the monitor seeing a store; its
 *       checksum and the frame fsck see it. (CRASHED instead if Unsafe or the array is out of
 *       reach: the filter then throws into the kernel.)
 *   <li>{@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode: REJECTED. The
 *       verifier refuses reflection and {@code sun.misc}.
 * </ul>
 */
@Entry(family = Family.JVM_ESCAPE,
        threat = "gets sun.misc.Unsafe by reflection and writes physical memory's backing array by raw offset",
        reference = "Mastrangelo et al. 2015, OOPSLA, Use at Your Own Risk: The Java Unsafe API in the Wild",
        expect = {@Expect(mode = "NONE", outcome = Outcome.ESCAPED)},
        otherwise = Outcome.REJECTED)
public final class UnsafeViaReflection implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        Memory mem = ctx.memory();
        long frameTable = mem.load64(BootHeader.REGIONS + BootHeader.RECORD_SIZE * BootHeader.FRAME_TABLE);
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            Object unsafe = theUnsafe.get(null);
            byte[] ram = backingArray(unsafeClass, unsafe, mem, 1);
            if (ram == null) {
                throw new IllegalStateException("no byte[] reachable from the Memory object");
            }
            if (frameTable < 0 || frameTable > ram.length - 8) {
                // Unsafe checks nothing: a bad address would take the JVM down, not just the kernel.
                throw new IllegalStateException("frame table address outside the backing array");
            }
            long arrayBase = (Integer) unsafeClass.getMethod("arrayBaseOffset", Class.class).invoke(unsafe, byte[].class);
            unsafeClass.getMethod("putLong", Object.class, long.class, long.class)
                    .invoke(unsafe, ram, arrayBase + frameTable, -1L);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        return length;
    }

    /** Reads object fields by raw offset, {@code depth} levels below {@code holder}, until a {@code byte[]} turns up. */
    private static byte[] backingArray(Class<?> unsafeClass, Object unsafe, Object holder, int depth)
            throws ReflectiveOperationException {
        for (Field field : holder.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
                continue;
            }
            long offset = (Long) unsafeClass.getMethod("objectFieldOffset", Field.class).invoke(unsafe, field);
            Object value = unsafeClass.getMethod("getObject", Object.class, long.class).invoke(unsafe, holder, offset);
            if (value instanceof byte[]) {
                return (byte[]) value;
            }
            if (value != null && depth > 0) {
                byte[] inner = backingArray(unsafeClass, unsafe, value, depth - 1);
                if (inner != null) {
                    return inner;
                }
            }
        }
        return null;
    }
}
