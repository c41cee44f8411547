package testbed.sfi.verify;

/** The analysis cannot describe a method (a shape it does not model): it proves nothing there. */
final class Unprovable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unprovable(String why) {
        super(why, null, false, false);
    }
}
