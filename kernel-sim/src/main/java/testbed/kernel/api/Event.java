package testbed.kernel.api;

/** The events the SPIN-style dispatcher raises. */
public final class Event {
    /** A packet arrived; the argument is its length. */
    public static final int PACKET_ARRIVED = 1;
    /** A timer fired; the argument is the current time. */
    public static final int TIMER = 2;
    /** A page fault; the argument is the faulting address. */
    public static final int PAGE_FAULT = 3;

    private Event() {
    }
}
