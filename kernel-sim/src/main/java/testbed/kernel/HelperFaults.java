package testbed.kernel;

/** A helper failure armed for fault injection: the n-th call of one helper returns a negative status without doing anything. */
final class HelperFaults {
    private String helper;
    private int nthCall;
    private int status;
    private int calls;

    /** See {@link Kernel#failHelper}. */
    void arm(String helper, int nthCall, int status) {
        if (status >= 0 || nthCall < 1 || helper == null) {
            throw new IllegalArgumentException("failHelper needs a helper name, a call number >= 1 and a negative status");
        }
        this.helper = helper;
        this.nthCall = nthCall;
        this.status = status;
        this.calls = 0;
    }

    /** The status an armed failure forces on this call of {@code name}, or 0 to run it normally. */
    int injected(String name) {
        if (helper == null || !helper.equals(name) || ++calls != nthCall) {
            return 0;
        }
        helper = null;
        return status;
    }

    void disarm() {
        helper = null;
    }
}
