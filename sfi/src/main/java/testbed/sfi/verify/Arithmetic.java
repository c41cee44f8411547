package testbed.sfi.verify;

import net.bytebuddy.jar.asm.Opcodes;

/** The {@code int} and {@code long} arithmetic instructions on intervals; floating point is any value. Trusted base. */
final class Arithmetic {
    private Arithmetic() {
    }

    static State apply(int op, State in) {
        if (op >= Opcodes.INEG && op <= Opcodes.DNEG) {
            Value v = in.peek(0);
            State s = in.pop(1);
            if (op == Opcodes.INEG || op == Opcodes.LNEG) {
                Value t = Transfer.typed(v, op == Opcodes.INEG ? 'I' : 'J');
                return s.push(t.plain().withRange(t.range().neg(t.type())));
            }
            return s.push(op == Opcodes.DNEG ? Value.WIDE : Value.OTHER);
        }
        if (op < Opcodes.IADD || op > Opcodes.LXOR) {
            throw new Unprovable("opcode " + op);
        }
        int family = op < Opcodes.INEG ? (op - Opcodes.IADD) % 4 : (op - Opcodes.ISHL) % 2;
        // family: 0 int, 1 long, 2 float, 3 double (shifts and logic: 0 int, 1 long)
        Value b = in.peek(0);
        State s = in.pop(2);
        if (family >= 2) {
            return s.push(family == 3 ? Value.WIDE : Value.OTHER);
        }
        char t = family == 0 ? 'I' : 'J';
        Value a = Transfer.typed(in.peek(1), t);
        Interval type = a.type();
        boolean shift = op >= Opcodes.ISHL && op <= Opcodes.LUSHR;
        Interval x = a.range();
        Interval y = Transfer.typed(b, shift ? 'I' : t).range();
        Interval r;
        switch (op) {
            case Opcodes.IADD: case Opcodes.LADD:
                r = x.add(y, type);
                break;
            case Opcodes.ISUB: case Opcodes.LSUB:
                r = x.sub(y, type);
                break;
            case Opcodes.IMUL: case Opcodes.LMUL:
                r = x.mul(y, type);
                break;
            case Opcodes.IDIV: case Opcodes.LDIV:
                r = divide(x, y, type);
                break;
            case Opcodes.IREM: case Opcodes.LREM:
                r = x.rem(y, type);
                break;
            case Opcodes.IAND: case Opcodes.LAND:
                r = x.and(y, type);
                break;
            case Opcodes.IOR: case Opcodes.LOR: case Opcodes.IXOR: case Opcodes.LXOR:
                r = x.orXor(y, type);
                break;
            default:
                r = shift(op, x, y, family == 0 ? 32 : 64, type);
        }
        Value result = family == 0 ? Value.ofInt(r) : Value.ofLong(r);
        Value other = Transfer.typed(b, t);
        if ((op == Opcodes.IADD || op == Opcodes.LADD || op == Opcodes.ISUB || op == Opcodes.LSUB) && y.isConstant()) {
            long c = op == Opcodes.ISUB || op == Opcodes.LSUB ? -y.lo() : y.lo();
            result = a.plus(c, result.range());
        } else if ((op == Opcodes.IADD || op == Opcodes.LADD) && x.isConstant()) {
            result = other.plus(x.lo(), result.range());
        }
        return s.push(result);
    }

    private static Interval shift(int op, Interval x, Interval y, int bits, Interval type) {
        if (!y.isConstant()) {
            return op == Opcodes.ISHL || op == Opcodes.LSHL ? type : x.lo() >= 0 ? new Interval(0, x.hi()) : type;
        }
        int k = (int) (y.lo() & (bits - 1));
        if (k == 0) {
            return x;
        }
        switch (op) {
            case Opcodes.ISHL: case Opcodes.LSHL:
                return x.shl(k, type);
            case Opcodes.ISHR: case Opcodes.LSHR:
                return x.shr(k);
            default:
                return x.ushr(k, bits);
        }
    }

    /** Quotient of a non-negative dividend by a positive constant divisor; anything else is the whole type. */
    private static Interval divide(Interval x, Interval y, Interval type) {
        if (x.lo() >= 0 && y.isConstant() && y.lo() > 0) {
            return new Interval(x.lo() / y.lo(), x.hi() / y.lo());
        }
        return type;
    }
}
