package testbed.reports;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import testbed.corpus.Outcome;
import testbed.faults.CampaignSettings;
import testbed.faults.Finding;
import testbed.faults.TrialId;
import testbed.faults.TrialRecord;

/** Campaign results for the tests: a small fixed one and a larger synthetic one. */
final class SampleCampaign {
    final CampaignSettings settings;
    final List<TrialRecord> records;
    final List<Finding> findings;
    final Duration elapsed;

    private SampleCampaign(CampaignSettings settings, List<TrialRecord> records, List<Finding> findings, Duration elapsed) {
        this.settings = settings;
        this.records = records;
        this.findings = findings;
        this.elapsed = elapsed;
    }

    /** The same settings and elapsed time with other results. */
    SampleCampaign with(List<TrialRecord> otherRecords, List<Finding> otherFindings) {
        return new SampleCampaign(settings, otherRecords, otherFindings, elapsed);
    }

    ContainmentReport report() {
        return ContainmentReport.of(settings, records, findings, elapsed, PROVENANCE);
    }

    /** A fixed provenance, so that renderings compare across machines and days. */
    static final Provenance PROVENANCE = new Provenance("0.1.0-TEST", "0123456789abcdef0123456789abcdef01234567",
            "Example JDK 17.0.99 (/opt/jdk)", List.of("-Xmx768m", "-XX:+UseSerialGC"), 2, 24L << 30, 6L << 30,
            Instant.parse("2026-12-01T12:00:00Z"), "/opt/testbed/testbed", "/opt/testbed/testbed campaign --trials 12 --seed 42",
            "bundled", "sha256:00ff");

    /** One record; unexpected when an expectation is given and the outcome differs from it. */
    static TrialRecord trial(String entry, String fault, String faultFamily, String mode, long seed, Outcome outcome, Outcome expected,
            String detail, String... violations) {
        boolean unexpected = expected != null && outcome != expected;
        String signature = outcome + "@" + entry + ":" + fault;
        return new TrialRecord(new TrialId(entry, fault, mode, seed).toString(), entry, entry.split("/")[0], fault, faultFamily, mode, seed,
                outcome, expected, unexpected, outcome == Outcome.CONTAINED ? "SEGMENT_VIOLATION" : null, detail, List.of(violations),
                signature, 100 + seed);
    }

    /** Groups the unexpected records by signature, as a campaign does. */
    static List<Finding> findingsOf(List<TrialRecord> records) {
        Map<String, List<TrialRecord>> bySignature = new LinkedHashMap<>();
        for (TrialRecord r : records) {
            if (r.unexpected()) {
                bySignature.computeIfAbsent(r.signature(), s -> new ArrayList<>()).add(r);
            }
        }
        List<Finding> findings = new ArrayList<>();
        bySignature.forEach((signature, group) -> findings.add(
                new Finding(signature, group.get(0), group.size(), "findings/" + group.get(0).outcome() + "-" + Integer.toHexString(signature.hashCode()))));
        return findings;
    }

    /**
     * Twelve trials over three modes and three faults (one row, {@code infinite-loop}, has no
     * BOUNDS trials; the settings name no BOUNDS; a record brings it), two unexpected, and text
     * that each format must escape. The golden {@code report.md} is rendered from this.
     */
    static SampleCampaign small() {
        CampaignSettings settings = new CampaignSettings("bundled", List.of("NONE", "SFI_MASK", "SFI_CHECK"),
                List.of("none", "wild-store", "infinite-loop"), 12, Duration.ofMinutes(5), 42, 2);
        List<TrialRecord> records = List.of(
                trial("memory/WildStoreFrameTable", "none", "none", "NONE", 1, Outcome.ESCAPED, Outcome.ESCAPED, "frame table page 3 changed", "frame table checksum"),
                trial("memory/WildStoreFrameTable", "none", "none", "SFI_MASK", 1, Outcome.WRONG_RESULT, Outcome.WRONG_RESULT, ""),
                trial("memory/WildStoreFrameTable", "none", "none", "SFI_CHECK", 1, Outcome.CONTAINED, Outcome.CONTAINED, "segment violation: store at 0x3000"),
                trial("benign/PacketCounter", "wild-store", "memory", "NONE", 2, Outcome.ESCAPED, null, "buffer cache block 7 changed"),
                trial("benign/PacketCounter", "wild-store", "memory", "SFI_MASK", 2, Outcome.ESCAPED, Outcome.WRONG_RESULT,
                        "store | outside <segment> & more", "page 0x40 written by domain 2", "canary answer *changed*"),
                trial("benign/PacketCounter", "wild-store", "memory", "SFI_CHECK", 2, Outcome.CONTAINED, null, "segment violation: store at 0x40"),
                trial("benign/PacketCounter", "wild-store", "memory", "SFI_CHECK", 3, Outcome.CONTAINED, null, "segment violation: store at 0x48"),
                trial("control/SpinForever", "infinite-loop", "control", "NONE", 4, Outcome.HUNG, Outcome.HUNG, "watchdog fired after 200 ms"),
                trial("control/SpinForever", "infinite-loop", "control", "SFI_MASK", 4, Outcome.CONTAINED, Outcome.CONTAINED, "fuel exhausted"),
                trial("control/SpinForever", "infinite-loop", "control", "SFI_CHECK", 4, Outcome.HUNG, Outcome.CONTAINED, "watchdog fired after 200 ms"),
                trial("benign/PacketCounter", "none", "none", "BOUNDS", 5, Outcome.OK, Outcome.OK, ""),
                trial("benign/PacketCounter", "wild-store", "memory", "BOUNDS", 5, Outcome.REJECTED, null, "verifier: store to computed address"));
        return new SampleCampaign(settings, records, findingsOf(records), Duration.ofMillis(2500));
    }

    /**
     * A campaign shaped like a real one: four modes, ten fault kinds in five families, ten
     * entries (one named like a script tag), a few thousand trials in which {@code NONE} shows
     * damage, {@code SFI_MASK} lets a few stores through unexpectedly and the checking modes
     * contain. Deterministic for a given seed.
     */
    static SampleCampaign synthetic(long seed) {
        List<String> modes = List.of("NONE", "SFI_MASK", "SFI_CHECK", "BOUNDS");
        Map<String, String> faults = new LinkedHashMap<>();
        faults.put("none", "none");
        faults.put("wild-store", "memory");
        faults.put("off-by-one-bound", "memory");
        faults.put("bit-flip-constant", "memory");
        faults.put("infinite-loop", "control");
        faults.put("stack-bomb", "control");
        faults.put("alloc-hog", "resource");
        faults.put("lock-hoard", "kernel-interface");
        faults.put("helper-bad-argument", "kernel-interface");
        faults.put("clock-skew", "environment");
        List<String> entries = List.of("benign/PacketCounter", "benign/ReadFilter", "memory/WildStoreFrameTable", "memory/OffByOneRing",
                "control/SpinForever", "control/DeepRecursion", "resource/HoardFrames", "kernel/ForgetUnlock", "libos/SlowRevoker",
                "evil/<script>alert('pwned')</script>");
        CampaignSettings settings = new CampaignSettings("bundled", modes, List.copyOf(faults.keySet()), 0, Duration.ofMinutes(10), seed, 2);
        Random random = new Random(seed);
        List<TrialRecord> records = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            String entry = entries.get(random.nextInt(entries.size()));
            List<String> faultNames = List.copyOf(faults.keySet());
            String fault = faultNames.get(random.nextInt(faultNames.size()));
            String family = faults.get(fault);
            String mode = modes.get(random.nextInt(modes.size()));
            Outcome outcome = outcome(family, mode, random);
            Outcome expected = expected(mode);
            boolean unexpected = outcome.compareTo(expected) > 0;
            String detail = outcome == Outcome.ESCAPED ? "store outside the segment at 0x" + Integer.toHexString(random.nextInt(1 << 20))
                    : outcome == Outcome.CONTAINED ? "segment violation: store at 0x" + Integer.toHexString(random.nextInt(1 << 20)) : "";
            List<String> violations = outcome == Outcome.ESCAPED ? List.of("kernel page " + random.nextInt(64) + " checksum changed", "fsck: frame table entry <7> \"owner\" wrong") : List.of();
            long trialSeed = random.nextLong() & 0xffffffffL;
            String signature = outcome + "@" + entry + ":" + fault + (unexpected ? "" : "#" + trialSeed);
            records.add(new TrialRecord(new TrialId(entry, fault, mode, trialSeed).toString(), entry, entry.split("/")[0], fault, family, mode,
                    trialSeed, outcome, expected, unexpected, outcome == Outcome.CONTAINED ? "SEGMENT_VIOLATION" : null, detail, violations,
                    signature, 200 + random.nextInt(800)));
        }
        return new SampleCampaign(settings, records, findingsOf(records), Duration.ofMillis(1_850 + records.size()));
    }

    /** The worst outcome a mode may give: anything unprotected, no damage under protection. */
    private static Outcome expected(String mode) {
        return mode.equals("NONE") ? Outcome.CRASHED : Outcome.WRONG_RESULT;
    }

    private static Outcome outcome(String family, String mode, Random random) {
        int roll = random.nextInt(100);
        boolean unprotected = mode.equals("NONE");
        return switch (family) {
            case "none" -> roll < 92 ? Outcome.OK : Outcome.REJECTED;
            case "memory" -> unprotected ? (roll < 70 ? Outcome.ESCAPED : roll < 80 ? Outcome.CRASHED : Outcome.WRONG_RESULT)
                    : mode.equals("SFI_MASK") ? (roll < 60 ? Outcome.WRONG_RESULT : roll < 97 ? Outcome.OK : Outcome.ESCAPED)
                    : (roll < 85 ? Outcome.CONTAINED : roll < 95 ? Outcome.REJECTED : Outcome.OK);
            case "control" -> unprotected ? (roll < 75 ? Outcome.HUNG : Outcome.CRASHED) : (roll < 96 ? Outcome.CONTAINED : Outcome.REJECTED);
            case "resource" -> unprotected ? (roll < 50 ? Outcome.CRASHED : Outcome.ESCAPED) : (roll < 98 ? Outcome.CONTAINED : Outcome.HUNG);
            case "kernel-interface" -> unprotected ? (roll < 60 ? Outcome.ESCAPED : Outcome.WRONG_RESULT) : (roll < 90 ? Outcome.CONTAINED : Outcome.WRONG_RESULT);
            default -> roll < 80 ? Outcome.OK : Outcome.WRONG_RESULT;
        };
    }
}
