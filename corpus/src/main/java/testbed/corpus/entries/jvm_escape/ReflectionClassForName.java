package testbed.corpus.entries.jvm_escape;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.BootHeader;
import testbed.kernel.api.Context;
import testbed.kernel.api.Memory;
import testbed.kernel.api.PacketFilter;

/**
 * Reflection through {@code Class.forName}: the filter looks up the kernel's physical-memory class
 * by name, digs the physical memory out of the wrapper it was handed, calls its {@code actAs}
 * method to make its own accesses count as the kernel's, and then corrupts the frame table while
 * the write monitor attributes the store to the kernel.
 *
 * <p>Represents: reflective access to classes and methods the sandbox never meant to expose, the
 * most common building block of Java sandbox escapes (Holzinger, Triller, Bartel and Bodden 2016);
 * it also checks that the oracle does not rest on the write monitor alone.
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: ESCAPED. The frame table changes; its checksum and the frame fsck see it even
 *       though the monitor blames the kernel. (CRASHED instead if no physical memory is reachable:
 *       the filter then throws into the kernel.)
 *   <li>{@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode: REJECTED. The
 *       verifier refuses reflection.
 * </ul>
 */
@Entry(family = Family.JVM_ESCAPE,
        threat = "uses Class.forName and reflection to act as the kernel, then corrupts the frame table",
        reference = "Holzinger, Triller, Bartel and Bodden 2016, CCS, An In-Depth Study of More Than Ten Years of Java Exploitation: reflection",
        expect = {@Expect(mode = "NONE", outcome = Outcome.ESCAPED)},
        otherwise = Outcome.REJECTED)
public final class ReflectionClassForName implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        Memory mem = ctx.memory();
        try {
            Class<?> physical = Class.forName("testbed.kernel.PhysicalMemory");
            Object machine = unwrap(mem, physical);
            Method actAs = physical.getMethod("actAs", int.class);
            Object previous = actAs.invoke(machine, 0);
            long frameTable = mem.load64(BootHeader.REGIONS + BootHeader.RECORD_SIZE * BootHeader.FRAME_TABLE);
            mem.store32(frameTable, 0x0BADF00D);
            actAs.invoke(machine, previous);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        return length;
    }

    /** The physical memory itself, or the one a wrapper handed out instead holds. */
    private static Object unwrap(Memory mem, Class<?> physical) throws IllegalAccessException {
        if (physical.isInstance(mem)) {
            return mem;
        }
        for (Field field : mem.getClass().getDeclaredFields()) {
            if (physical.isAssignableFrom(field.getType())) {
                field.setAccessible(true);
                return field.get(mem);
            }
        }
        throw new IllegalStateException("no physical memory behind the Memory handed out");
    }
}
