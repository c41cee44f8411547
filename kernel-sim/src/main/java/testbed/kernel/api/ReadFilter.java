package testbed.kernel.api;

/**
 * An ExtOS read filter: {@code read(file, buf, len, filter)} runs the filter in the kernel over
 * each block of file data before anything is copied to the caller, so discarded bytes never
 * cross.
 */
public interface ReadFilter {

    /**
     * Compacts the bytes it keeps to the front of {@code buffer}.
     *
     * @param buffer address of a copy of the file data inside the segment
     * @param length bytes available at {@code buffer}
     * @return the number of bytes kept, in {@code [0, length]}; anything else is a bad answer
     */
    int filter(Context ctx, long buffer, int length);
}
