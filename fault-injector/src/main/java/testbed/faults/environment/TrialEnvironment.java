package testbed.faults.environment;

/**
 * What an {@link EnvironmentFault} may do to a trial: the trial runner implements it with the real
 * kernel and sandbox and hands it to {@link EnvironmentFault#arm} after the domain is bound and
 * before the workload starts. Every call arms something that happens later, during the workload;
 * a fault arms at most one thing per trial.
 *
 * <p>Invocations are counted per trial, 1-based: the first call the kernel makes into the domain
 * through its hook (for a library OS, the first call after {@code start}) is invocation 1. Helper
 * calls are counted per trial and per helper, 1-based, across invocations.
 */
public interface TrialEnvironment {

    /** The class file of the extension this trial runs, as the sandbox loads it. */
    byte[] extensionClass();

    /**
     * Makes kernel helper {@code helper} fail once: its {@code nthCall}-th call in this trial
     * returns {@code status} without doing anything, as the kernel would when out of memory, busy or
     * refusing. Earlier and later calls behave normally.
     *
     * @param helper a {@code testbed.kernel.api.Context} method name, e.g. {@code alloc}
     * @param nthCall which call fails, 1 for the first
     * @param status a negative {@code testbed.kernel.api.Status} code
     */
    void failHelper(String helper, int nthCall, int status);

    /**
     * Revokes frames from the domain at an awkward moment: asks the library OS to give back
     * {@code frames} frames ({@code LibraryOs.revoke}) right after its {@code start} returns when
     * {@code invocation} is 0, or just before invocation {@code invocation} otherwise; frames it
     * does not give back are taken by the abort protocol.
     *
     * @return whether the domain can be revoked from at all (it is a library OS); if not, nothing is
     *     armed
     */
    boolean revokeAt(int invocation, int frames);

    /**
     * Makes the IPv4 total-length field of every packet the workload delivers to the domain lie
     * about the packet as {@code corruption} says; the frame itself and the length the hook is
     * given are unchanged.
     *
     * @param seed picks the wrong value where {@code corruption} leaves a choice (how much longer or
     *     shorter), per packet
     * @return whether the workload delivers packets to this domain at all; if not, nothing is armed
     */
    boolean corruptPacketLengths(PacketLength corruption, long seed);

    /**
     * Preempts the domain once it has used {@code fuel} units of fuel in this trial (counted from
     * its start, across invocations): it is cut off wherever it is, as if its budget ran out there.
     * Under a mode without a fuel meter the cut cannot happen and the trial runs unfaulted.
     */
    void preemptAfter(long fuel);

    /** How a packet's IPv4 total-length field lies. */
    enum PacketLength {
        /** Larger than the frame: a parser that trusts it reads past the packet. */
        LONGER_THAN_FRAME,
        /** Smaller than the IPv4 header (1 to 19). */
        SHORTER_THAN_HEADER,
        /** Zero. */
        ZERO,
        /** {@code 0xFFFF}, the largest the field holds. */
        MAXIMUM
    }
}
