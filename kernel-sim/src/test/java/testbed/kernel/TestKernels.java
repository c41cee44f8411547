package testbed.kernel;

import testbed.kernel.api.Context;
import testbed.kernel.api.EventHandler;

/** Kernels and small extensions shared by the tests. */
public final class TestKernels {
    private TestKernels() {
    }

    /** The default configuration with 8 MiB of memory: quick to boot and to snapshot. */
    public static KernelConfig small() {
        return KernelConfig.defaults().withMemorySize(8 << 20);
    }

    public static Kernel boot() {
        return Kernel.boot(small());
    }

    /** An event handler that accepts every event and runs {@code body} as its handler. */
    public static EventHandler handler(Body body) {
        return new EventHandler() {
            @Override
            public boolean guard(Context ctx, int event, long argument) {
                return true;
            }

            @Override
            public long handle(Context ctx, int event, long argument) {
                return body.run(ctx);
            }
        };
    }

    /** What a test handler does. */
    @FunctionalInterface
    public interface Body {
        long run(Context ctx);
    }
}
