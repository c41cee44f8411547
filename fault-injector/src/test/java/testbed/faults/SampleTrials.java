package testbed.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import testbed.corpus.Outcome;

/** Trial records for tests of what stores and reads them. */
final class SampleTrials {
    private SampleTrials() {
    }

    static TrialRecord trial(String entry, String fault, String faultFamily, String mode, long seed, Outcome outcome, Outcome expected,
            String detail, String... violations) {
        boolean unexpected = expected != null && outcome != expected;
        return new TrialRecord(new TrialId(entry, fault, mode, seed).toString(), entry, entry.split("/")[0], fault, faultFamily, mode, seed,
                outcome, expected, unexpected, outcome == Outcome.CONTAINED ? "SEGMENT_VIOLATION" : null, detail, List.of(violations),
                outcome + "@" + entry + ":" + fault, 100 + seed);
    }

    /** A dozen records of every shape: faulted and not, expected and not, with and without violations. */
    static List<TrialRecord> some() {
        return List.of(
                trial("memory/WildStoreFrameTable", "none", "none", "NONE", 1, Outcome.ESCAPED, Outcome.ESCAPED, "frame table page 3 changed", "frame table checksum"),
                trial("memory/WildStoreFrameTable", "none", "none", "SFI_MASK", 1, Outcome.OK, Outcome.OK, ""),
                trial("memory/WildStoreFrameTable", "none", "none", "SFI_CHECK", 1, Outcome.CONTAINED, Outcome.CONTAINED, "segment violation: store at 0x3000"),
                trial("benign/PacketCounter", "corrupt-address", "memory", "NONE", 2, Outcome.ESCAPED, null, "buffer cache block 7 changed"),
                trial("benign/PacketCounter", "corrupt-address", "memory", "SFI_MASK", 2, Outcome.ESCAPED, Outcome.WRONG_RESULT,
                        "store | outside <segment> & more", "page 0x40 written by domain 2", "canary answer *changed*"),
                trial("benign/PacketCounter", "corrupt-address", "memory", "SFI_CHECK", 2, Outcome.CONTAINED, null, "segment violation: store at 0x40"),
                trial("control/InfiniteLoop", "inject-infinite-loop", "control", "NONE", 4, Outcome.HUNG, Outcome.HUNG, "no answer in 1000 ms"),
                trial("control/InfiniteLoop", "inject-infinite-loop", "control", "SFI_MASK", 4, Outcome.CONTAINED, Outcome.CONTAINED, "fuel exhausted"),
                trial("jvm_escape/SystemExit", "none", "none", "NONE", 5, Outcome.CRASHED, Outcome.CRASHED, "worker JVM exited with status 3"),
                trial("jvm_escape/SystemExit", "none", "none", "BOUNDS", 5, Outcome.REJECTED, Outcome.REJECTED, "rejected [SYSTEM] ..."),
                trial("kernel_interface/DoubleFree", "helper-failure", "environment", "BOUNDS", 6, Outcome.WRONG_RESULT, null, ""),
                trial("benign/EchoPacketFilter", "none", "none", "SFI_CHECK", 7, Outcome.OK, Outcome.OK, ""));
    }

    /** {@code n} random records from a fixed seed. */
    static List<TrialRecord> many(int n) {
        Random random = new Random(n);
        Outcome[] outcomes = Outcome.values();
        String[] modes = {"NONE", "SFI_MASK", "SFI_CHECK", "BOUNDS"};
        List<TrialRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(trial("memory/Entry" + random.nextInt(40), "bit-flip-constant", "memory", modes[random.nextInt(4)], i,
                    outcomes[random.nextInt(outcomes.length)], null, "detail " + i));
        }
        return out;
    }
}
