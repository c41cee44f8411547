package testbed.sandbox.verify;

/**
 * Carries a {@link Rejection} out of an ASM visitor, whose methods cannot throw checked
 * exceptions; {@link Verifier} unwraps it. Never escapes this package.
 */
final class Refused extends RuntimeException {
    private final transient Rejection rejection;

    Refused(Rejection rejection) {
        super(rejection.getMessage(), null, false, false);
        this.rejection = rejection;
    }

    Rejection rejection() {
        return rejection;
    }
}
