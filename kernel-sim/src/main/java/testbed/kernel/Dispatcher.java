package testbed.kernel;

import testbed.kernel.api.Context;
import testbed.kernel.api.Event;
import testbed.kernel.api.EventHandler;
import testbed.kernel.api.Status;

/** SPIN's event dispatcher: guards choose the handlers of each raised event; the kernel's own implementation answers when none does. */
final class Dispatcher {
    private final KernelConfig config;
    private final PhysicalMemory memory;
    private final Header header;
    private final HookCalls calls;

    Dispatcher(KernelStructures s, HookCalls calls) {
        this.config = s.config;
        this.memory = s.memory;
        this.header = s.header;
        this.calls = calls;
    }

    /** See {@link Kernel#dispatch}. */
    long dispatch(int event, long argument) {
        int prev = memory.actAs(PhysicalMemory.KERNEL);
        try {
            header.tick();
            HookCalls.Attached<EventHandler> handlers = calls.eventHandlers;
            long result = 0;
            boolean handled = false;
            for (Domain d : calls.callable(handlers)) {
                EventHandler handler = handlers.extension(d);
                Context ctx = d.context();
                long wants = calls.call(handlers, d, () -> handler.guard(ctx, event, argument) ? 1 : 0);
                if (wants != 1 || !calls.stillCallable(handlers, d)) {
                    continue;
                }
                long r = calls.call(handlers, d, () -> handler.handle(ctx, event, argument));
                if (r == HookCalls.TRAPPED) {
                    continue;
                }
                if (r < 0) {
                    calls.badAnswer(handlers);
                    continue;
                }
                result = r;
                handled = true;
            }
            if (!handled) {
                calls.defaulted(handlers);
                result = defaultEvent(event, argument);
            }
            return result;
        } finally {
            memory.actAs(prev);
        }
    }

    private long defaultEvent(int event, long argument) {
        return switch (event) {
            case Event.PACKET_ARRIVED -> argument >= 0 ? argument : Status.EINVAL;
            case Event.TIMER -> header.now();
            case Event.PAGE_FAULT -> argument >= 0 && argument < config.memorySize() ? 0 : Status.EFAULT;
            default -> Status.EINVAL;
        };
    }
}
