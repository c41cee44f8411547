package testbed.sfi.verify;

/** The {@link ProofChecker} refused a proof; the message names the method, the instruction and the claim. */
public final class ProofRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProofRefused(String message) {
        super(message);
    }
}
