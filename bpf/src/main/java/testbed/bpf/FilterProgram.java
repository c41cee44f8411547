package testbed.bpf;

import java.util.List;

/**
 * A classic BPF program: a name (for messages and the class the JIT makes) and its instructions.
 * Nothing about it is checked here; {@link Checker} decides whether the kernel would take it.
 */
public record FilterProgram(String name, List<Instruction> instructions) {
    public FilterProgram {
        instructions = List.copyOf(instructions);
    }

    /** The program from {@code [code, jt, jf, k]} rows, as {@code filters.json} holds them. */
    public static FilterProgram ofRows(String name, int[][] rows) {
        return new FilterProgram(name, java.util.Arrays.stream(rows)
                .map(r -> new Instruction(r[0], r[1], r[2], r[3])).toList());
    }

    public int length() {
        return instructions.size();
    }

    public Instruction at(int pc) {
        return instructions.get(pc);
    }

    /** The program in {@code tcpdump -ddd} form: the count, then one {@code code jt jf k} line per instruction. */
    public String ddd() {
        StringBuilder text = new StringBuilder().append(instructions.size()).append('\n');
        for (Instruction i : instructions) {
            text.append(i.ddd()).append('\n');
        }
        return text.toString();
    }
}
