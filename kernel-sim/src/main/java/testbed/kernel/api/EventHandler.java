package testbed.kernel.api;

/**
 * A SPIN-style event handler. The dispatcher asks each handler's guard whether it wants an
 * event and runs the handlers whose guards say yes; when none does, the kernel's default
 * implementation handles the event.
 */
public interface EventHandler {

    /** Whether this handler wants the event; must not change state. */
    boolean guard(Context ctx, int event, long argument);

    /**
     * Handles the event.
     *
     * @return a non-negative result for the event's raiser, or a negative {@link Status} code
     */
    long handle(Context ctx, int event, long argument);
}
