package testbed.sandbox.process;

import java.io.IOException;

/** The extension's process sent something the protocol does not allow; the parent kills it. */
final class ProtocolViolation extends IOException {
    ProtocolViolation(String detail) {
        super("protocol violation: " + detail);
    }
}
