package testbed.sandbox.verify;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * Byte-level mutations of class files, driven by any source of choices: Jazzer's fuzzed data or
 * a seeded {@link java.util.Random}. The seeds are valid extensions, so most mutants get deep
 * into the class file before they break something.
 */
final class Mutations {
    /** What one mutation does. */
    enum Kind {
        FLIP_BIT, SET_BYTE, SET_U2, SET_U4, INSERT, DELETE, DUPLICATE, TRUNCATE
    }

    /** Valid extensions to start from: plain, rich, locking, handlers, annotations. */
    static final byte[][] SEEDS = {
        Extensions.bytes(RulesTest.Shape.OneHook.class),
        Extensions.bytes(VerifierTest.Checksum.class),
        Extensions.bytes(VerifierTest.Annotated.class),
        Extensions.bytes(RulesTest.Monitor.LocksThis.class),
        Extensions.bytes(RulesTest.Catch.CatchesThrowable.class),
        Extensions.bytes(RulesTest.Lambda.WithConcatenation.class),
    };

    /** Values that sit on the edges of lengths, counts and indices. */
    private static final int[] EDGES = {0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
        0x7FFFFFFF, 0x80000000, 0xFFFFFFFF};

    private Mutations() {
    }

    /**
     * Applies one to eight mutations to a copy of {@code seed}.
     *
     * @param choose given a bound, returns a choice in {@code [0, bound)}
     * @param counts if not null, counts the kinds applied
     */
    static byte[] mutate(byte[] seed, IntUnaryOperator choose, Map<Kind, Integer> counts) {
        byte[] b = seed.clone();
        int n = 1 + choose.applyAsInt(8);
        for (int i = 0; i < n && b.length > 0; i++) {
            Kind kind = Kind.values()[choose.applyAsInt(Kind.values().length)];
            if (counts != null) {
                counts.merge(kind, 1, Integer::sum);
            }
            int at = choose.applyAsInt(b.length);
            switch (kind) {
                case FLIP_BIT:
                    b[at] ^= (byte) (1 << choose.applyAsInt(8));
                    break;
                case SET_BYTE:
                    b[at] = (byte) choose.applyAsInt(256);
                    break;
                case SET_U2:
                case SET_U4: {
                    int value = choose.applyAsInt(2) == 0 ? EDGES[choose.applyAsInt(EDGES.length)] : choose.applyAsInt(1 << 16);
                    int width = kind == Kind.SET_U2 ? 2 : 4;
                    for (int k = 0; k < width && at + k < b.length; k++) {
                        b[at + k] = (byte) (value >>> (8 * (width - 1 - k)));
                    }
                    break;
                }
                case INSERT: {
                    int len = 1 + choose.applyAsInt(8);
                    byte[] grown = new byte[b.length + len];
                    System.arraycopy(b, 0, grown, 0, at);
                    for (int k = 0; k < len; k++) {
                        grown[at + k] = (byte) choose.applyAsInt(256);
                    }
                    System.arraycopy(b, at, grown, at + len, b.length - at);
                    b = grown;
                    break;
                }
                case DELETE: {
                    int len = Math.min(1 + choose.applyAsInt(8), b.length - at);
                    byte[] shrunk = new byte[b.length - len];
                    System.arraycopy(b, 0, shrunk, 0, at);
                    System.arraycopy(b, at + len, shrunk, at, b.length - at - len);
                    b = shrunk;
                    break;
                }
                case DUPLICATE: {
                    int len = Math.min(1 + choose.applyAsInt(32), b.length - at);
                    byte[] grown = new byte[b.length + len];
                    System.arraycopy(b, 0, grown, 0, at + len);
                    System.arraycopy(b, at, grown, at + len, b.length - at);
                    b = grown;
                    break;
                }
                case TRUNCATE:
                    b = Arrays.copyOf(b, at);
                    break;
                default:
                    throw new AssertionError(kind);
            }
        }
        return b;
    }

    static Map<Kind, Integer> counter() {
        return new EnumMap<>(Kind.class);
    }
}
