package testbed.sfi;

/**
 * The rewrite refused a class: the bytes are not a well-formed class file, or the class uses a
 * shape that the rewrite cannot confine (a reference to the isolation runtime, a name reserved for
 * the rewrite, a method reference to {@link testbed.kernel.api.Memory}, a class file older than
 * Java 7). The message names the rule and, where there is one, the place
 * ({@code Class.method@index}); the load pipeline reports it as the reason for rejecting the
 * extension.
 */
public final class RewriteException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A refusal for the reason given in {@code message}. */
    public RewriteException(String message) {
        super(message);
    }

    /** A refusal caused by {@code cause}, typically the class file parser failing on malformed bytes. */
    public RewriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
