package testbed.sfi.verify;

import java.util.Objects;

/**
 * The abstract value of one local or operand: its kind, and for an {@code int} or {@code long}
 * the interval it lies in. {@code origin} is the local slot the value was computed from while that
 * local still holds it (the value is that local plus {@code delta}, without overflow), so that a
 * comparison can narrow the local; {@code left} and
 * {@code right} are the operands of an {@code lcmp} whose result this is. Trusted base.
 */
record Value(Kind kind, Interval range, int origin, long delta, Value left, Value right) {
    /** What a slot holds; {@code TOP} is a local slot that cannot be used (unset, or half of a wide value). */
    enum Kind {
        INT(1), LONG(2), OTHER(1), WIDE(2), TOP(1);

        final int size;

        Kind(int size) {
            this.size = size;
        }
    }

    static final Value TOP = new Value(Kind.TOP, null, -1, 0, null, null);
    static final Value OTHER = new Value(Kind.OTHER, null, -1, 0, null, null);
    static final Value WIDE = new Value(Kind.WIDE, null, -1, 0, null, null);

    static Value ofInt(Interval range) {
        return new Value(Kind.INT, range.fit(Interval.INT), -1, 0, null, null);
    }

    static Value ofLong(Interval range) {
        return new Value(Kind.LONG, range, -1, 0, null, null);
    }

    /** Any value of the JVM type {@code descriptor} (its first character is enough). */
    static Value ofType(char descriptor) {
        switch (descriptor) {
            case 'I':
                return ofInt(Interval.INT);
            case 'Z':
                return ofInt(new Interval(0, 1));
            case 'B':
                return ofInt(new Interval(Byte.MIN_VALUE, Byte.MAX_VALUE));
            case 'S':
                return ofInt(new Interval(Short.MIN_VALUE, Short.MAX_VALUE));
            case 'C':
                return ofInt(new Interval(0, Character.MAX_VALUE));
            case 'J':
                return ofLong(Interval.LONG);
            case 'D':
                return WIDE;
            default:
                return OTHER;
        }
    }

    int size() {
        return kind.size;
    }

    boolean isNumber() {
        return kind == Kind.INT || kind == Kind.LONG;
    }

    /** The whole range of this value's type. */
    Interval type() {
        return kind == Kind.INT ? Interval.INT : Interval.LONG;
    }

    Value withRange(Interval r) {
        return new Value(kind, r, origin, delta, left, right);
    }

    Value from(int slot) {
        return new Value(kind, range, slot, 0, null, null);
    }

    /** This value as a {@code kind} (a widening conversion), still tied to its local. */
    Value as(Kind k) {
        return new Value(k, range, origin, delta, null, null);
    }

    /** {@code this + c} with range {@code r}: still its local plus a constant when the sum cannot overflow. */
    Value plus(long c, Interval r) {
        boolean exact = origin >= 0 && c > -(1L << 40) && c < (1L << 40) && range.lo() + c == r.lo() && range.hi() + c == r.hi();
        return new Value(kind, r, exact ? origin : -1, exact ? delta + c : 0, null, null);
    }

    Value plain() {
        return origin < 0 && left == null ? this : new Value(kind, range, -1, 0, null, null);
    }

    static Value comparison(Value left, Value right) {
        return new Value(Kind.INT, new Interval(-1, 1), -1, 0, left, right);
    }

    /** The least value above both; {@code TOP} if their kinds differ. */
    Value join(Value o) {
        if (equals(o)) {
            return this;
        }
        if (kind != o.kind) {
            return TOP;
        }
        if (!isNumber()) {
            return this;
        }
        boolean sameCompare = left != null && left.equals(o.left) && Objects.equals(right, o.right);
        boolean sameOrigin = origin == o.origin && delta == o.delta;
        return new Value(kind, range.join(o.range), sameOrigin ? origin : -1, sameOrigin ? delta : 0,
                sameCompare ? left : null, sameCompare ? right : null);
    }

    /** Widening at a loop head: a moving bound goes to the end of the type. */
    Value widen(Value next, long[] thresholds) {
        Value j = join(next);
        return j.isNumber() && isNumber() ? j.withRange(range.widen(j.range, type(), thresholds)) : j;
    }

    /** Whether every concrete value {@code this} stands for is one {@code o} stands for. */
    boolean within(Value o) {
        if (o.kind == Kind.TOP) {
            return true;
        }
        if (kind != o.kind) {
            return false;
        }
        if (!isNumber()) {
            return true;
        }
        return range.within(o.range) && (o.origin < 0 || o.origin == origin && o.delta == delta)
                && (o.left == null || (o.left.equals(left) && o.right.equals(right)));
    }

    @Override
    public String toString() {
        switch (kind) {
            case INT:
            case LONG:
                return (kind == Kind.INT ? "int" : "long") + range + (origin >= 0 ? "=local" + origin + (delta != 0 ? "+" + delta : "") : "")
                        + (left != null ? "=cmp(" + left + ", " + right + ")" : "");
            default:
                return kind.name().toLowerCase();
        }
    }
}
