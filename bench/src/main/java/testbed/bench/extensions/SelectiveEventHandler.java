package testbed.bench.extensions;

import testbed.kernel.api.Context;
import testbed.kernel.api.Event;
import testbed.kernel.api.EventHandler;

/**
 * Workload of the SPIN dispatch experiment: an event handler whose guard accepts timer events
 * when the word at {@link #ACCEPT} (just past the window in its own segment, written by the host
 * before the run) is non-zero. The handler counts the events it handled in the next word and
 * answers the argument plus one: a guard of one load and a handler of a load and a store.
 */
public final class SelectiveEventHandler implements EventHandler {
    /** Offset in the segment of the guard's switch. */
    public static final int ACCEPT = 2048;
    /** Offset in the segment of the handled-event counter. */
    public static final int HANDLED = 2056;

    @Override
    public boolean guard(Context ctx, int event, long argument) {
        return event == Event.TIMER && ctx.memory().load64(ctx.segmentBase() + ACCEPT) != 0;
    }

    @Override
    public long handle(Context ctx, int event, long argument) {
        long counter = ctx.segmentBase() + HANDLED;
        ctx.memory().store64(counter, ctx.memory().load64(counter) + 1);
        return argument + 1;
    }
}
