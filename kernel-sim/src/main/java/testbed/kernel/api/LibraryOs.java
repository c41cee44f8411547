package testbed.kernel.api;

/**
 * An Exokernel library operating system that manages physical frames bound to it through
 * {@link Context#bindFrame()}. The kernel revokes frames visibly: it asks the library OS to give
 * some back, and if the library OS does not comply the abort protocol unbinds them by force.
 */
public interface LibraryOs {

    /** Called once when the domain is attached; typically binds the frames it needs. */
    void start(Context ctx);

    /**
     * The kernel asks for {@code frames} frames back; the library OS releases them with
     * {@link Context#releaseFrame(int)} before returning.
     *
     * @return the number of frames released
     */
    int revoke(Context ctx, int frames);
}
