package testbed.cli;

import sun.misc.Signal;

/**
 * Turns SIGINT (Ctrl-C) and SIGTERM into a request to stop, instead of the JVM's shutdown.
 * A second Ctrl-C while stopping ends the process at once; the trial log is already on disk.
 */
final class StopOnSignal {
    private StopOnSignal() {
    }

    static void install(Runnable stop) {
        boolean[] asked = {false};
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    if (asked[0]) {
                        Runtime.getRuntime().halt(Testbed.INTERRUPTED);
                    }
                    asked[0] = true;
                    stop.run();
                });
            } catch (IllegalArgumentException unsupported) {
                // A platform without this signal keeps the JVM's default; the trial log still survives.
            }
        }
    }
}
