package testbed.sfi.verify;

/**
 * Narrowing by a branch condition: on the edge where {@code a cond b} holds, the locals the two
 * operands came from lie in the ranges the condition leaves. Conditions are numbered as the
 * {@code if} opcodes order them: 0 {@code ==}, 1 {@code !=}, 2 {@code <}, 3 {@code >=}, 4 {@code >},
 * 5 {@code <=}. Trusted base.
 */
final class Refine {
    static final int EQ = 0;
    static final int NE = 1;
    static final int LT = 2;
    static final int GE = 3;
    static final int GT = 4;
    static final int LE = 5;

    private Refine() {
    }

    static int negate(int cond) {
        return cond ^ 1;
    }

    /** The state on the edge where {@code a cond b}, or null if no values of theirs satisfy it. */
    static State when(State s, Value a, Value b, int cond) {
        if (!a.isNumber() || !b.isNumber()) {
            return s;
        }
        Interval ra = a.range();
        Interval rb = b.range();
        Interval na;
        Interval nb;
        switch (cond) {
            case EQ:
                na = ra.meet(rb);
                nb = na;
                break;
            case NE:
                na = rb.isConstant() ? without(ra, rb.lo()) : ra;
                nb = ra.isConstant() ? without(rb, ra.lo()) : rb;
                break;
            case LT:
                na = rb.hi() == Long.MIN_VALUE ? null : ra.meet(new Interval(Long.MIN_VALUE, rb.hi() - 1));
                nb = ra.lo() == Long.MAX_VALUE ? null : rb.meet(new Interval(ra.lo() + 1, Long.MAX_VALUE));
                break;
            case LE:
                na = ra.meet(new Interval(Long.MIN_VALUE, rb.hi()));
                nb = rb.meet(new Interval(ra.lo(), Long.MAX_VALUE));
                break;
            case GT:
                return when(s, b, a, LT);
            case GE:
                return when(s, b, a, LE);
            default:
                throw new IllegalArgumentException("condition " + cond);
        }
        if (na == null || nb == null) {
            return null;
        }
        State t = s.narrow(a, na);
        return t == null ? null : t.narrow(b, nb);
    }

    private static Interval without(Interval r, long v) {
        if (r.lo() == v) {
            return Interval.orEmpty(v + 1, r.hi());
        }
        if (r.hi() == v) {
            return Interval.orEmpty(r.lo(), v - 1);
        }
        return r;
    }
}
