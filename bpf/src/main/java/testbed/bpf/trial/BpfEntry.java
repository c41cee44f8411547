package testbed.bpf.trial;

import java.util.Map;
import testbed.bpf.CheckRule;
import testbed.corpus.Outcome;

/**
 * One BPF corpus entry: a program file whose {@code #} header says what it attacks, which
 * published idea it stands for, and its expected outcome per protection mode.
 *
 * <pre>
 * # threat: a backward jump, to loop forever
 * # reference: McCanne and Jacobson 1993, USENIX Winter, The BSD Packet Filter: forward branches only
 * # expect: NONE=REJECTED
 * # otherwise: REJECTED
 * # rule: JUMP_RANGE
 * 2
 * 5 0 0 4294967295
 * 6 0 0 0
 * </pre>
 *
 * @param name {@code bpf/<file name without extension>}
 * @param file the file name, for messages
 * @param bytes the whole file, header included (the loader skips {@code #} lines)
 * @param rule for an entry the checker must refuse, the rule it must name; otherwise null
 */
public record BpfEntry(String name, String file, String threat, String reference, Map<String, Outcome> expectations,
        Outcome otherwise, CheckRule rule, byte[] bytes) {
    public BpfEntry {
        expectations = Map.copyOf(expectations);
    }

    /** The outcome expected in {@code mode}: the one named for it, or {@link #otherwise()}. */
    public Outcome expected(String mode) {
        return expectations.getOrDefault(mode, otherwise);
    }
}
