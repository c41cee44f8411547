package testbed.bpf.capture;

/**
 * One captured frame.
 *
 * @param data the captured bytes
 * @param wireLength the frame's length on the wire ({@code orig_len}); at least {@code data.length}
 *     unless the file lies
 * @param timestampNanos capture time, nanoseconds since the epoch
 */
public record Frame(byte[] data, int wireLength, long timestampNanos) {
    /** Whether the capture cut the frame short (a snap length). */
    public boolean truncated() {
        return wireLength > data.length;
    }
}
