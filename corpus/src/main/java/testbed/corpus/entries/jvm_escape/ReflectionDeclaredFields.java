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
 * Reflection through {@code getDeclaredFields}: the filter walks the private fields of the
 * {@code Memory} object it was handed (and one level below), makes them accessible, finds the
 * {@code byte[]} that backs physical memory and writes the frame table through it directly,
 * bypassing every check and the write monitor.
 *
 * <p>Represents: {@code setAccessible} on private fields of trusted objects, the reflection step
 * of Java sandbox escapes (Holzinger, Triller, Bartel and Bodden 2016); an object reference handed
 * to untrusted code is a capability to everything reachable from it, unless reflection is denied
 * (Hawblitzel et al. 1998, J-Kernel).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: ESCAPED. The frame table changes without the monitor seeing a store; its
 *       checksum and the frame fsck see it. (CRASHED instead if no backing array is reachable: the
 *       filter then throws into the kernel.)
 *   <li>{@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode: REJECTED. The
 *       verifier refuses reflection.
 * </ul>
 */
@Entry(family = Family.JVM_ESCAPE,
        threat = "reflects on the Memory object's private fields and writes physical memory's backing array",
        reference = "Holzinger, Triller, Bartel and Bodden 2016, CCS, Java exploitation study: setAccessible on private fields; Hawblitzel et al. 1998, USENIX ATC, J-Kernel",
        expect = {@Expect(mode = "NONE", outcome = Outcome.ESCAPED)},
        otherwise = Outcome.REJECTED)
public final class ReflectionDeclaredFields implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        Memory mem = ctx.memory();
        long frameTable = mem.load64(BootHeader.REGIONS + BootHeader.RECORD_SIZE * BootHeader.FRAME_TABLE);
        byte[] ram = backingArray(mem, 1);
        if (ram == null) {
            throw new IllegalStateException("no byte[] reachable from the Memory object");
        }
        for (int i = 0; i < 64; i++) {
            ram[(int) frameTable + i] = (byte) 0xEE;
        }
        return length;
    }

    private static byte[] backingArray(Object holder, int depth) {
        try {
            for (Field field : holder.getClass().getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
                    continue;
                }
                field.setAccessible(true);
                Object value = field.get(holder);
                if (value instanceof byte[]) {
                    return (byte[]) value;
                }
                if (value != null && depth > 0) {
                    byte[] inner = backingArray(value, depth - 1);
                    if (inner != null) {
                        return inner;
                    }
                }
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        return null;
    }
}
