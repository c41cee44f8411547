package testbed.faults.fuzz;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import testbed.program.Op;
import testbed.program.Program;

/**
 * Counts of what a {@link ProgramGenerator} produced: operations by kind, and the intentions
 * behind them that the operations alone do not show (where each access aims, how long each copy
 * is, how deep each recursion goes, which helper misuse each call is). A property test reads
 * {@link #missing()} to prove the generator really produces every case it {@link #claimed() claims}.
 *
 * <p>Not thread-safe: one per generator, one generator per thread.
 */
public final class GenerationStats {

    /** How a loop's trip count is given. */
    public enum LoopTrips { BOUNDED, REGISTER, UNBOUNDED }

    /** What length a copy is given, relative to the segment and to physical memory. */
    public enum CopyLength { ZERO, SMALL, SEGMENT, NEGATIVE, HUGE }

    /** How deep a recursion is asked to go: within the sandbox's depth budget or far beyond it. */
    public enum Depth { SHALLOW, DEEP }

    /** The ways of calling a helper the kernel must refuse or clean up after (the corpus's kernel-interface family). */
    public enum Misuse {
        /** Allocation of a zero, negative, huge or whole-segment size. */
        HOSTILE_ALLOC,
        /** Free of an address the domain never allocated. */
        FREE_UNKNOWN,
        /** Free of the same block twice. */
        DOUBLE_FREE,
        /** Send or log naming an address outside the segment. */
        FOREIGN_ADDRESS,
        /** Send or log with a negative, huge or overrunning length. */
        BAD_LENGTH,
        /** Lock of an id outside the lock table. */
        UNKNOWN_LOCK,
        /** Lock of the same id twice. */
        DOUBLE_LOCK,
        /** Lock taken and never released. */
        LOCK_HELD,
        /** Unlock of a lock the domain does not hold. */
        UNLOCK_NOT_HELD,
        /** Frame bound and never released. */
        FRAME_HOARD,
        /** Release of a frame the domain does not own (kernel's, canary's, its own segment's, out of range). */
        FORGED_FRAME
    }

    /** A group of kinds that are counted together. */
    public enum Family {
        OP("op", Op.class),
        ARITH("arith", Op.Arith.Kind.class),
        LOAD("load", Op.Width.class),
        STORE("store", Op.Width.class),
        COPY_LENGTH("copy length", CopyLength.class),
        LOOP("loop", LoopTrips.class),
        RECURSION("recursion", Depth.class),
        COMPARISON("if", Op.If.Cmp.class),
        HELPER("helper", Op.Helper.class),
        MISUSE("misuse", Misuse.class),
        THROW("throw", Op.Thrown.class),
        CATCH("catch", Op.Thrown.class),
        ADDRESS("address", AddressClass.class),
        FLAVOUR("flavour", ProgramGenerator.Flavour.class);

        private final String label;
        private final List<String> names;

        /** Kinds are the constants of an enum or the permitted subtypes of a sealed type, so none can be forgotten. */
        Family(String label, Class<?> kinds) {
            this.label = label;
            List<String> list = new ArrayList<>();
            if (kinds.isEnum()) {
                for (Object constant : kinds.getEnumConstants()) {
                    list.add(((Enum<?>) constant).name());
                }
            } else {
                for (Class<?> type : kinds.getPermittedSubclasses()) {
                    list.add(type.getSimpleName());
                }
            }
            this.names = List.copyOf(list);
        }

        /** The family's name in the table. */
        public String label() {
            return label;
        }

        /** The kinds of this family, in declaration order. */
        public List<Kind> kinds() {
            List<Kind> list = new ArrayList<>();
            for (String name : names) {
                list.add(new Kind(this, name));
            }
            return list;
        }
    }

    /** One counted kind, such as {@code load W16} or {@code address HUGE}. */
    public record Kind(Family family, String name) {
        @Override
        public String toString() {
            return family.label + " " + name;
        }
    }

    private static final Family[] FAMILIES = Family.values();
    private static final Class<?>[] OP_TYPES = Op.class.getPermittedSubclasses();

    private final long[][] counts = new long[FAMILIES.length][];
    private long programs;
    private long ops;

    public GenerationStats() {
        for (Family f : FAMILIES) {
            counts[f.ordinal()] = new long[f.names.size()];
        }
    }

    /** Programs counted. */
    public long programs() {
        return programs;
    }

    /** Operations counted, nested ones included. */
    public long ops() {
        return ops;
    }

    /**
     * How often {@code kind} was generated.
     *
     * @throws IllegalArgumentException for a kind its family does not have
     */
    public long count(Kind kind) {
        int i = kind.family().names.indexOf(kind.name());
        if (i < 0) {
            throw new IllegalArgumentException("family " + kind.family().label + " has no kind " + kind.name()
                    + "; it has " + kind.family().names);
        }
        return counts[kind.family().ordinal()][i];
    }

    /** How many accesses (and helper address arguments) aimed at {@code target}. */
    public long count(AddressClass target) {
        return counts[Family.ADDRESS.ordinal()][target.ordinal()];
    }

    /** Every kind the generator claims to produce: all kinds of all families. */
    public Set<Kind> claimed() {
        Set<Kind> all = new LinkedHashSet<>();
        for (Family f : FAMILIES) {
            all.addAll(f.kinds());
        }
        return Collections.unmodifiableSet(all);
    }

    /** The claimed kinds never generated so far. */
    public Set<Kind> missing() {
        Set<Kind> none = new LinkedHashSet<>();
        for (Kind k : claimed()) {
            if (count(k) == 0) {
                none.add(k);
            }
        }
        return Collections.unmodifiableSet(none);
    }

    /** Adds {@code other}'s counts to these, to sum the stats of generators run on several threads. */
    public void add(GenerationStats other) {
        programs += other.programs;
        ops += other.ops;
        for (int f = 0; f < counts.length; f++) {
            for (int k = 0; k < counts[f].length; k++) {
                counts[f][k] += other.counts[f][k];
            }
        }
    }

    /** Counts an intention of the generator; {@code kind} is a constant of the family's enum. */
    void note(Family family, Enum<?> kind) {
        counts[family.ordinal()][kind.ordinal()]++;
    }

    /** Counts a finished program: its operations, walked, and its flavour. */
    void count(Program program, ProgramGenerator.Flavour flavour) {
        programs++;
        note(Family.FLAVOUR, flavour);
        walk(program.body());
    }

    private void walk(List<Op> body) {
        for (Op op : body) {
            ops++;
            counts[Family.OP.ordinal()][opIndex(op)]++;
            if (op instanceof Op.Arith a) {
                note(Family.ARITH, a.kind());
            } else if (op instanceof Op.Load l) {
                note(Family.LOAD, l.width());
            } else if (op instanceof Op.Store s) {
                note(Family.STORE, s.width());
            } else if (op instanceof Op.Call c) {
                note(Family.HELPER, c.helper());
            } else if (op instanceof Op.Throw t) {
                note(Family.THROW, t.kind());
            } else if (op instanceof Op.Loop l) {
                note(Family.LOOP, l.tripsRegister() >= 0 ? LoopTrips.REGISTER
                        : l.trips() == Op.Loop.UNBOUNDED ? LoopTrips.UNBOUNDED : LoopTrips.BOUNDED);
                walk(l.body());
            } else if (op instanceof Op.If i) {
                note(Family.COMPARISON, i.cmp());
                walk(i.then());
            } else if (op instanceof Op.Try t) {
                note(Family.CATCH, t.caught());
                walk(t.body());
                walk(t.handler());
            }
        }
    }

    private static int opIndex(Op op) {
        Class<?> type = op.getClass();
        for (int i = 0; i < OP_TYPES.length; i++) {
            if (OP_TYPES[i] == type) {
                return i;
            }
        }
        throw new AssertionError("not a permitted Op type: " + type);
    }

    /** One line per family: each kind with its count and its share of the family; a never-generated kind is marked {@code !}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%d programs, %d ops (%.1f per program)%n", programs, ops, programs == 0 ? 0.0 : (double) ops / programs));
        for (Family f : FAMILIES) {
            long[] c = counts[f.ordinal()];
            long total = 0;
            for (long n : c) {
                total += n;
            }
            StringBuilder line = new StringBuilder(String.format("%-12s", f.label));
            int width = line.length();
            for (int i = 0; i < c.length; i++) {
                String cell = String.format(" %s%s %d (%.1f%%)", c[i] == 0 ? "!" : "", f.names.get(i), c[i],
                        total == 0 ? 0.0 : 100.0 * c[i] / total);
                if (width + cell.length() > 110) {
                    line.append(String.format("%n%12s", ""));
                    width = 12;
                }
                line.append(cell);
                width += cell.length();
            }
            sb.append(line).append(System.lineSeparator());
        }
        return sb.toString();
    }
}
