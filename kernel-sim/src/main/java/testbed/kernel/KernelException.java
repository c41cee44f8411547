package testbed.kernel;

import testbed.kernel.api.Status;

/**
 * A kernel API call that could not be carried out: a bad argument ({@link Status#EINVAL}), an
 * exhausted resource ({@link Status#ENOMEM}), an unknown domain ({@link Status#ENOENT}) or a
 * refused one ({@link Status#EPERM}). Thrown only by calls that return an object (creating a
 * domain, opening a transaction); calls that return a count return the status code instead,
 * as the helpers do. The kernel is unchanged when one is thrown.
 */
public final class KernelException extends RuntimeException {
    private final int status;

    public KernelException(int status, String message) {
        super(message + " (" + Status.name(status) + ")");
        this.status = status;
    }

    /** The {@link Status} code that names the failure. */
    public int status() {
        return status;
    }
}
