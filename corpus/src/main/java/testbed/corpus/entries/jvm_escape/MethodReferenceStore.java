package testbed.corpus.entries.jvm_escape;

import java.util.function.LongUnaryOperator;
import java.util.function.ObjLongConsumer;
import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.BootHeader;
import testbed.kernel.api.Context;
import testbed.kernel.api.Memory;
import testbed.kernel.api.PacketFilter;

/**
 * Memory access through method references: the filter never calls {@code load64} or
 * {@code store64} itself; it takes {@code mem::load64} and {@code mem::store64} as functional
 * objects and calls those. The calls happen in classes the JVM spins up at run time through
 * {@code invokedynamic}, which a call-site rewrite of the extension never sees, so an unprotected
 * store reaches the frame table.
 *
 * <p>Represents: indirect calls that evade call-site rewriting, the control-flow half of SFI
 * (Wahbe et al. 1993 sandbox indirect jumps for this reason); in Java, method handles and
 * {@code invokedynamic} (Holzinger et al. 2016).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: ESCAPED. The store lands in the frame table.
 *   <li>{@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode: REJECTED. The
 *       verifier refuses {@code invokedynamic}.
 * </ul>
 */
@Entry(family = Family.JVM_ESCAPE,
        threat = "reaches Memory through method references (invokedynamic) that call-site rewriting cannot see",
        reference = "Wahbe et al. 1993, SOSP, SFI: indirect control transfers; Holzinger, Triller, Bartel and Bodden 2016, CCS: method handles in Java exploits",
        expect = {@Expect(mode = "NONE", outcome = Outcome.ESCAPED)},
        otherwise = Outcome.REJECTED)
public final class MethodReferenceStore implements PacketFilter {

    @Override
    public int filter(Context ctx, long packet, int length) {
        Memory mem = ctx.memory();
        LongUnaryOperator load = mem::load64;
        ObjLongConsumer<Long> store = mem::store64;
        long frameTable = load.applyAsLong(BootHeader.REGIONS + BootHeader.RECORD_SIZE * BootHeader.FRAME_TABLE);
        store.accept(frameTable, -1L);
        return length;
    }
}
