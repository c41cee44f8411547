package testbed.sfi.verify;

import java.util.Arrays;

/** Locals and operand stack of the abstract machine at one instruction. Immutable. Trusted base. */
record State(Value[] locals, Value[] stack) {

    static State entry(Value[] locals) {
        return new State(locals, new Value[0]);
    }

    State push(Value v) {
        Value[] s = Arrays.copyOf(stack, stack.length + 1);
        s[stack.length] = v;
        return new State(locals, s);
    }

    Value peek(int fromTop) {
        return stack[stack.length - 1 - fromTop];
    }

    State pop(int n) {
        return new State(locals, Arrays.copyOf(stack, stack.length - n));
    }

    /** Stores {@code v} in {@code slot}: a wide value takes the next slot too; copies of the old value lose their origin. */
    State store(int slot, Value v) {
        Value[] l = locals.clone();
        if (slot > 0 && l[slot - 1].size() == 2) {
            l[slot - 1] = Value.TOP;
        }
        l[slot] = v.plain();
        if (v.size() == 2) {
            l[slot + 1] = Value.TOP;
        }
        Value[] s = stack.clone();
        for (int i = 0; i < s.length; i++) {
            if (s[i].origin() == slot || (v.size() == 2 && s[i].origin() == slot + 1) || mentions(s[i], slot)) {
                s[i] = s[i].plain();
            }
        }
        return new State(l, s);
    }

    private static boolean mentions(Value v, int slot) {
        return v.left() != null && (v.left().origin() == slot || v.right().origin() == slot);
    }

    /** Narrows the local a compared value came from, and every copy of it on the stack. */
    State narrow(Value compared, Interval range) {
        int slot = compared.origin();
        if (slot < 0 || !locals[slot].isNumber()) {
            return this;
        }
        Value[] l = locals.clone();
        Interval r;
        try {
            r = l[slot].range().meet(new Interval(Math.subtractExact(range.lo(), compared.delta()),
                    Math.subtractExact(range.hi(), compared.delta())));
        } catch (ArithmeticException overflow) {
            return this;
        }
        if (r == null) {
            return null;
        }
        l[slot] = l[slot].withRange(r);
        Value[] s = stack.clone();
        for (int i = 0; i < s.length; i++) {
            if (s[i].origin() == slot) {
                Interval shifted = new Interval(r.lo() + s[i].delta(), r.hi() + s[i].delta());
                Interval m = s[i].range().meet(shifted);
                s[i] = s[i].withRange(m == null ? s[i].range() : m);
            }
        }
        return new State(l, s);
    }

    State join(State o) {
        return join(o, null);
    }

    /** The join, widened with {@code thresholds} unless they are null. */
    State join(State o, long[] thresholds) {
        boolean widen = thresholds != null;
        if (stack.length != o.stack.length) {
            throw new Unprovable("operand stacks of different depth meet");
        }
        Value[] l = new Value[locals.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = widen ? locals[i].widen(o.locals[i], thresholds) : locals[i].join(o.locals[i]);
        }
        Value[] s = new Value[stack.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = widen ? stack[i].widen(o.stack[i], thresholds) : stack[i].join(o.stack[i]);
        }
        return new State(l, s);
    }

    boolean within(State o) {
        if (stack.length != o.stack.length || locals.length != o.locals.length) {
            return false;
        }
        for (int i = 0; i < locals.length; i++) {
            if (!locals[i].within(o.locals[i])) {
                return false;
            }
        }
        for (int i = 0; i < stack.length; i++) {
            if (!stack[i].within(o.stack[i]) || o.stack[i].kind() == Value.Kind.TOP) {
                return false;
            }
        }
        return true;
    }

    /** The state a handler starts in from here: the same locals, the caught throwable alone on the stack. */
    State caught() {
        return new State(locals, new Value[] {Value.OTHER});
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof State s && Arrays.equals(locals, s.locals) && Arrays.equals(stack, s.stack);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(locals) + Arrays.hashCode(stack);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("locals {");
        String sep = "";
        for (int i = 0; i < locals.length; i++) {
            if (locals[i].isNumber()) {
                b.append(sep).append(i).append(": ").append(locals[i]);
                sep = ", ";
            }
        }
        b.append("} stack ").append(stack.length);
        return b.toString();
    }
}
