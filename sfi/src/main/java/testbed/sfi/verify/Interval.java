package testbed.sfi.verify;

/**
 * A closed range {@code [lo, hi]} of integers: the abstract value of one {@code int} or
 * {@code long}. Part of the trusted base: the analysis and the {@link ProofChecker} both compute
 * with it, so every operation here must over-approximate (an overflow gives the whole range of
 * the type, never a wrapped bound).
 */
public record Interval(long lo, long hi) {
    /** Every {@code long}. */
    public static final Interval LONG = new Interval(Long.MIN_VALUE, Long.MAX_VALUE);
    /** Every {@code int}. */
    public static final Interval INT = new Interval(Integer.MIN_VALUE, Integer.MAX_VALUE);

    public Interval {
        if (lo > hi) {
            throw new IllegalArgumentException("empty interval [" + lo + ", " + hi + "]");
        }
    }

    /** The single value {@code v}. */
    public static Interval of(long v) {
        return new Interval(v, v);
    }

    /** {@code [lo, hi]}, or null when it is empty. */
    static Interval orEmpty(long lo, long hi) {
        return lo > hi ? null : new Interval(lo, hi);
    }

    boolean isConstant() {
        return lo == hi;
    }

    /** Whether every value of {@code this} is in {@code other}. */
    public boolean within(Interval other) {
        return other.lo <= lo && hi <= other.hi;
    }

    Interval join(Interval other) {
        return new Interval(Math.min(lo, other.lo), Math.max(hi, other.hi));
    }

    /** The values in both, or null when none are. */
    Interval meet(Interval other) {
        return orEmpty(Math.max(lo, other.lo), Math.min(hi, other.hi));
    }

    /** Clamps to {@code type}'s range: the whole type if any bound falls outside it. */
    Interval fit(Interval type) {
        return within(type) ? this : type;
    }

    Interval add(Interval o, Interval type) {
        try {
            return new Interval(Math.addExact(lo, o.lo), Math.addExact(hi, o.hi)).fit(type);
        } catch (ArithmeticException overflow) {
            return type;
        }
    }

    Interval sub(Interval o, Interval type) {
        try {
            return new Interval(Math.subtractExact(lo, o.hi), Math.subtractExact(hi, o.lo)).fit(type);
        } catch (ArithmeticException overflow) {
            return type;
        }
    }

    Interval mul(Interval o, Interval type) {
        try {
            long a = Math.multiplyExact(lo, o.lo);
            long b = Math.multiplyExact(lo, o.hi);
            long c = Math.multiplyExact(hi, o.lo);
            long d = Math.multiplyExact(hi, o.hi);
            return new Interval(Math.min(Math.min(a, b), Math.min(c, d)), Math.max(Math.max(a, b), Math.max(c, d))).fit(type);
        } catch (ArithmeticException overflow) {
            return type;
        }
    }

    /** {@code this << k} for a constant shift {@code k} already masked to the type's width. */
    Interval shl(int k, Interval type) {
        return k >= 62 ? type : mul(of(1L << k), type);
    }

    /** {@code this >> k} (arithmetic): monotone, never overflows. */
    Interval shr(int k) {
        return new Interval(lo >> k, hi >> k);
    }

    /** {@code this >>> k} for {@code k > 0}: exact when non-negative, else at most the type's bits. */
    Interval ushr(int k, int bits) {
        if (lo >= 0) {
            return new Interval(lo >>> k, hi >>> k);
        }
        return new Interval(0, bits == 64 ? -1L >>> k : (0xFFFFFFFFL >>> k));
    }

    /** {@code this & o}: a non-negative operand bounds the result by itself. */
    Interval and(Interval o, Interval type) {
        if (lo >= 0 && o.lo >= 0) {
            return new Interval(0, Math.min(hi, o.hi));
        }
        if (lo >= 0) {
            return new Interval(0, hi);
        }
        if (o.lo >= 0) {
            return new Interval(0, o.hi);
        }
        return type;
    }

    /** {@code this | o} or {@code this ^ o} of non-negative values: below the next power of two. */
    Interval orXor(Interval o, Interval type) {
        if (lo >= 0 && o.lo >= 0) {
            long top = Long.highestOneBit(Math.max(hi, o.hi));
            return new Interval(0, top == 0 ? 0 : Math.min(type.hi, top * 2 - 1));
        }
        return type;
    }

    /** {@code this % o} for a divisor that is never zero. */
    Interval rem(Interval o, Interval type) {
        if (o.lo <= 0 && o.hi >= 0) {
            return type; // the divisor may be zero (ArithmeticException) or any value
        }
        long m = Math.max(Math.abs(o.lo), Math.abs(o.hi)) - 1;
        if (o.lo == Long.MIN_VALUE || o.hi == Long.MIN_VALUE) {
            return type;
        }
        if (lo >= 0) {
            return new Interval(0, Math.min(hi, m));
        }
        return new Interval(Math.max(-m, Math.min(lo, 0)), hi >= 0 ? Math.min(hi, m) : 0);
    }

    Interval neg(Interval type) {
        return of(0).sub(this, type);
    }

    /**
     * Widening with thresholds: a bound that moved goes to the next of {@code thresholds} (sorted)
     * beyond it, or to the end of the type, so every chain is finite.
     */
    Interval widen(Interval next, Interval type, long[] thresholds) {
        if (!type.equals(INT)) {
            thresholds = new long[0];
        }
        long l = lo;
        if (next.lo < lo) {
            l = type.lo;
            for (int i = thresholds.length - 1; i >= 0; i--) {
                if (thresholds[i] <= next.lo && thresholds[i] >= type.lo) {
                    l = thresholds[i];
                    break;
                }
            }
        }
        long h = hi;
        if (next.hi > hi) {
            h = type.hi;
            for (long t : thresholds) {
                if (t >= next.hi && t <= type.hi) {
                    h = t;
                    break;
                }
            }
        }
        return new Interval(l, h);
    }

    @Override
    public String toString() {
        return lo == hi ? "[" + lo + "]" : "[" + bound(lo) + ", " + bound(hi) + "]";
    }

    private static String bound(long v) {
        if (v == Long.MIN_VALUE) {
            return "-2^63";
        }
        if (v == Long.MAX_VALUE) {
            return "2^63-1";
        }
        if (v == Integer.MIN_VALUE) {
            return "-2^31";
        }
        if (v == Integer.MAX_VALUE) {
            return "2^31-1";
        }
        return Long.toString(v);
    }
}
