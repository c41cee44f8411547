package testbed.kernel.api;

/** Return codes of kernel helpers: zero or a positive result on success, a negative code on failure. */
public final class Status {
    public static final int OK = 0;
    /** The caller lacks the capability for this helper or resource. */
    public static final int EPERM = -1;
    /** No such file, frame, lock or allocation. */
    public static final int ENOENT = -2;
    /** A quota or a kernel pool is exhausted. */
    public static final int ENOMEM = -12;
    /** An address range is not inside the caller's segment. */
    public static final int EFAULT = -14;
    /** The resource is held by someone else. */
    public static final int EBUSY = -16;
    /** An argument is out of range (negative length, unaligned size, bad id). */
    public static final int EINVAL = -22;
    /** Taking the lock would deadlock (the caller already holds it). */
    public static final int EDEADLK = -35;

    private Status() {
    }

    /** A readable name for a code, for logs and reports. */
    public static String name(long code) {
        if (code >= 0) {
            return "OK";
        }
        switch ((int) code) {
            case EPERM: return "EPERM";
            case ENOENT: return "ENOENT";
            case ENOMEM: return "ENOMEM";
            case EFAULT: return "EFAULT";
            case EBUSY: return "EBUSY";
            case EINVAL: return "EINVAL";
            case EDEADLK: return "EDEADLK";
            default: return "E" + code;
        }
    }
}
