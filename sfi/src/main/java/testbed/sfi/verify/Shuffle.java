package testbed.sfi.verify;

import net.bytebuddy.jar.asm.Opcodes;

/** The stack instructions ({@code dup} family, {@code swap}) by the JVM's categories of values. Trusted base. */
final class Shuffle {
    private Shuffle() {
    }

    static State apply(int op, State in) {
        Value v1 = in.peek(0);
        switch (op) {
            case Opcodes.DUP:
                return in.push(v1);
            case Opcodes.SWAP:
                return in.pop(2).push(v1).push(in.peek(1));
            case Opcodes.DUP_X1:
                return in.pop(2).push(v1).push(in.peek(1)).push(v1);
            case Opcodes.DUP_X2:
                if (in.peek(1).size() == 2) {
                    return in.pop(2).push(v1).push(in.peek(1)).push(v1);
                }
                return in.pop(3).push(v1).push(in.peek(2)).push(in.peek(1)).push(v1);
            case Opcodes.DUP2:
                if (v1.size() == 2) {
                    return in.push(v1);
                }
                return in.push(in.peek(1)).push(v1);
            case Opcodes.DUP2_X1:
                if (v1.size() == 2) {
                    return in.pop(2).push(v1).push(in.peek(1)).push(v1);
                }
                return in.pop(3).push(in.peek(1)).push(v1).push(in.peek(2)).push(in.peek(1)).push(v1);
            case Opcodes.DUP2_X2:
                return dup2x2(in, v1);
            default:
                throw new IllegalArgumentException("opcode " + op);
        }
    }

    private static State dup2x2(State in, Value v1) {
        if (v1.size() == 2) {
            Value v2 = in.peek(1);
            if (v2.size() == 2) { // form 4: ..., v2, v1 -> ..., v1, v2, v1
                return in.pop(2).push(v1).push(v2).push(v1);
            }
            // form 2: ..., v3, v2, v1 -> ..., v1, v3, v2, v1
            return in.pop(3).push(v1).push(in.peek(2)).push(v2).push(v1);
        }
        Value v2 = in.peek(1);
        Value v3 = in.peek(2);
        if (v3.size() == 2) { // form 3: ..., v3, v2, v1 -> ..., v2, v1, v3, v2, v1
            return in.pop(3).push(v2).push(v1).push(v3).push(v2).push(v1);
        }
        Value v4 = in.peek(3); // form 1
        return in.pop(4).push(v2).push(v1).push(v4).push(v3).push(v2).push(v1);
    }
}
