package testbed.bpf.capture;

/** A capture file that cannot be read; the message is one line naming the file, packet and byte offset. */
public final class CaptureException extends Exception {
    private static final long serialVersionUID = 1L;

    public CaptureException(String message) {
        super(message);
    }
}
