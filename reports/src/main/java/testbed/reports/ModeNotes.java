package testbed.reports;

/** What each protection mode does, in a sentence for "How to read this", and what its column shows. */
final class ModeNotes {
    private ModeNotes() {
    }

    static String of(String mode) {
        return switch (mode) {
            case "NONE" -> "unprotected: the extension runs as trusted code. The baseline: damage in this column is expected "
                    + "and shows that the oracle sees what the faults do.";
            case "SFI_MASK" -> "address sandboxing (Wahbe et al. 1993): every address is forced into the segment "
                    + "(addr & mask | base), so a wild access lands in the extension's own segment instead of trapping: "
                    + "expect OK or WRONG_RESULT where other modes give CONTAINED.";
            case "SFI_CHECK" -> "segment matching: an access outside the segment traps and the domain is aborted (CONTAINED); "
                    + "the trap names the instruction.";
            case "BOUNDS" -> "an explicit bounds check before every access, as WebAssembly engines do; it traps like SFI_CHECK.";
            case "VERIFIED" -> "a static check proves accesses safe and the rewrite leaves out the checks it proved unneeded.";
            case "PROCESS" -> "the extension runs in a child JVM that maps only its segment, called over a pipe: "
                    + "the hardware-protection baseline.";
            default -> "a plug-in isolation technique, loaded with --technique-jar (the command line in the provenance names "
                    + "the jar) and judged by the same oracle and expectations as the built-in modes.";
        };
    }
}
