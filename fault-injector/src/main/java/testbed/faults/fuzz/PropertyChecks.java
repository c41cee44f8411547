package testbed.faults.fuzz;

import java.util.List;
import java.util.Map;
import testbed.corpus.Outcome;
import testbed.kernel.Trap;
import testbed.sandbox.Protection;
import testbed.sfi.ProtectionMode;

/** The checks of each {@link Property} on the runs of one program, as {@link ProgramTrials} made them. */
final class PropertyChecks {
    private PropertyChecks() {
    }

    /**
     * How a technique must treat an address outside the segment, for {@link Property#MODES_AGREE}:
     * trap exactly there ({@code SFI_CHECK}, {@code BOUNDS}, {@code VERIFIED}; {@code VERIFIED_STRICT}
     * loads only programs proven never to name one), never trap on an
     * address but fault on the guard zone after the segment where the trace's first access outside
     * it straddles the segment's end once masked (address sandboxing: {@code SFI_MASK} and plug-ins
     * that say they mask), or, for a
     * plug-in that traps in its own way, stop the program (whatever the trap's kind). The
     * unprotected baseline and {@code PROCESS} (and a plug-in that needs a process, judged as
     * {@code PROCESS} is) are held to none of these.
     */
    enum Discipline {
        TRAPS_EXACTLY, MASKS, STOPS, NONE;

        static Discipline of(Protection technique) {
            if (technique instanceof Protection.BuiltIn b) {
                return switch (b.mode()) {
                    case SFI_CHECK, BOUNDS, VERIFIED -> TRAPS_EXACTLY;
                    case SFI_MASK -> MASKS;
                    default -> NONE;
                };
            }
            // A plug-in judged against a built-in mode's expectations (SFI_MASK for one that masks,
            // PROCESS for one that needs a process) is held to that mode's discipline.
            for (ProtectionMode m : ProtectionMode.values()) {
                if (m.name().equals(technique.expectationsOf())) {
                    return of(new Protection.BuiltIn(m));
                }
            }
            return STOPS;
        }
    }

    static void containment(ModeRun r, List<PropertyFailure> failures) {
        if (r.outcome() == Outcome.ESCAPED || r.outcome() == Outcome.HUNG || r.outcome() == Outcome.CRASHED) {
            failures.add(new PropertyFailure(Property.CONTAINMENT, r.mode(), r.outcome() + ": " + r.detail(),
                    r.outcome() + "@" + site(r)));
        }
    }

    static void sensitivity(ProgramVerdict.Reference reference, ModeRun none, List<PropertyFailure> failures) {
        if (reference.leftSegment() != none.wildAccess()) {
            String detail = reference.leftSegment()
                    ? "the trace left the segment but the oracle saw no wild access"
                    : "the oracle reported a wild access but the trace stayed in the segment: " + none.detail();
            failures.add(new PropertyFailure(Property.ORACLE_SENSITIVITY, none.mode(), detail,
                    reference.leftSegment() ? "missed" : "false-alarm"));
        }
    }

    /** The compiled program must do what the interpreter did: the compiler is part of what is trusted here. */
    static void compiler(ProgramVerdict.Reference reference, ModeRun none, List<PropertyFailure> failures) {
        ModeRun ref = reference.run();
        boolean bothFinished = ref.outcome() != Outcome.CRASHED && none.outcome() != Outcome.CRASHED;
        if (bothFinished && (ref.answer() != none.answer() || ref.segmentDigest() != none.segmentDigest())) {
            failures.add(new PropertyFailure(Property.TRANSPARENCY, none.mode(),
                    "the compiled program answered " + none.answer() + " where the interpreter answered " + ref.answer()
                            + (ref.segmentDigest() != none.segmentDigest() ? ", and left a different segment image" : ""),
                    "compiler"));
        } else if (ref.outcome() != none.outcome()) {
            failures.add(new PropertyFailure(Property.TRANSPARENCY, none.mode(),
                    "the compiled program was " + none.outcome() + " where the interpreter was " + ref.outcome() + ": "
                            + (none.detail().isEmpty() ? ref.detail() : none.detail()),
                    "compiler-" + none.outcome()));
        }
    }

    /**
     * A program that stays in its segment and finishes gives the unprotected run's answer and
     * segment image: a run that finished ({@code OK}, or {@code WRONG_RESULT} for a different
     * answer or one the kernel refused) is compared by both, any other outcome is a failure.
     */
    static void transparency(ProgramVerdict.Reference reference, ModeRun none, ModeRun r, List<PropertyFailure> failures) {
        boolean benign = reference.withinLimits() && !reference.triedOutside() && reference.threw() == null
                && finished(none);
        if (!benign || r.outcome() == Outcome.REJECTED) {
            return; // refusing to load is not a different answer: the verifier's rules are stricter than the JVM's
        }
        if (!finished(r)) {
            failures.add(new PropertyFailure(Property.TRANSPARENCY, r.mode(),
                    "a benign program was " + r.outcome() + ": " + r.detail(), r.outcome() + "@" + site(r)));
        } else if (r.answer() != none.answer() || r.segmentDigest() != none.segmentDigest()) {
            failures.add(new PropertyFailure(Property.TRANSPARENCY, r.mode(),
                    "a benign program answered " + r.answer() + " (unprotected: " + none.answer() + ")"
                            + (r.segmentDigest() != none.segmentDigest() ? " and left a different segment image" : ""),
                    "result"));
        }
    }

    private static boolean finished(ModeRun r) {
        return r.outcome() == Outcome.OK || r.outcome() == Outcome.WRONG_RESULT;
    }

    /**
     * Each technique treats the trace's addresses by its {@link Discipline}. Trapping exactly:
     * up to the first out-of-segment access the protected run and the reference run are the same
     * computation on the same kernel, so that access is where they must stop.
     */
    static void addressTraps(ProgramVerdict.Reference reference, Protection technique, ModeRun r, List<PropertyFailure> failures) {
        Discipline discipline = Discipline.of(technique);
        boolean judged = reference.withinLimits() && r.outcome() != Outcome.REJECTED;
        if (discipline == Discipline.TRAPS_EXACTLY && judged && reference.triedOutside() != r.addressTrap()) {
            failures.add(new PropertyFailure(Property.MODES_AGREE, r.mode(),
                    reference.triedOutside()
                            ? "the trace left the segment but " + r.mode() + " did not trap on an address (" + r.outcome() + ")"
                            : r.mode() + " trapped on an address the trace never named: " + r.detail(),
                    reference.triedOutside() ? "no-trap" : "false-trap"));
        }
        if (discipline == Discipline.STOPS && judged && reference.triedOutside() && r.trapKind() == null) {
            failures.add(new PropertyFailure(Property.MODES_AGREE, r.mode(),
                    "the trace left the segment but " + r.mode() + ", which does not mask, let the program run on (" + r.outcome() + ")",
                    "no-stop"));
        }
        if (discipline == Discipline.MASKS && r.addressTrap()) {
            failures.add(new PropertyFailure(Property.MODES_AGREE, r.mode(), "address sandboxing trapped: " + r.detail(),
                    "mask-trapped@" + r.trapLocation()));
        }
        // Masked, the run is the interpreter's up to the trace's first access outside the segment:
        // no guard fault before it, and one there if that access straddles the end once masked.
        // Past it the computation may differ, so a later fault is neither required nor ruled out.
        boolean guardFault = Trap.Kind.GUARD_PAGE.name().equals(r.trapKind());
        if (discipline == Discipline.MASKS && judged && (reference.maskStraddles() ? !guardFault && !r.addressTrap() : guardFault && !reference.triedOutside())) {
            failures.add(new PropertyFailure(Property.MODES_AGREE, r.mode(),
                    guardFault ? "address sandboxing faulted on its guard zone though the trace stayed in the segment: " + r.detail()
                            : "the trace's first access outside the segment straddles its end once masked, but " + r.mode()
                                    + " did not fault on the guard zone (" + r.outcome() + ")",
                    guardFault ? "guard-fault@" + r.trapLocation() : "no-guard-fault"));
        }
    }

    static void modesAgree(Map<RunKey, ModeRun> runs, List<PropertyFailure> failures) {
        ModeRun check = runs.get(RunKey.of(new Protection.BuiltIn(ProtectionMode.SFI_CHECK)));
        ModeRun bounds = runs.get(RunKey.of(new Protection.BuiltIn(ProtectionMode.BOUNDS)));
        ModeRun verified = runs.get(RunKey.of(new Protection.BuiltIn(ProtectionMode.VERIFIED)));
        if (verified != null && bounds != null && bounds.outcome() != Outcome.REJECTED) {
            // A proof may remove checks, never add a refusal or a trap BOUNDS would not have.
            if (verified.outcome() == Outcome.REJECTED || verified.addressTrap() != bounds.addressTrap()) {
                failures.add(new PropertyFailure(Property.MODES_AGREE, ProtectionMode.VERIFIED.name(),
                        verified.outcome() == Outcome.REJECTED ? "VERIFIED refused a program BOUNDS loads: " + verified.detail()
                                : "VERIFIED " + (verified.addressTrap() ? "trapped" : "did not trap") + " on an address, BOUNDS "
                                        + (bounds.addressTrap() ? "did" : "did not"),
                        verified.outcome() == Outcome.REJECTED ? "verified-rejected" : verified.addressTrap() ? "verified-only" : "bounds-only"));
            }
        }
        if (check != null && bounds != null && check.outcome() != Outcome.REJECTED && check.addressTrap() != bounds.addressTrap()) {
            failures.add(new PropertyFailure(Property.MODES_AGREE, "SFI_CHECK+BOUNDS",
                    "SFI_CHECK " + (check.addressTrap() ? "trapped" : "did not trap") + " on an address, BOUNDS "
                            + (bounds.addressTrap() ? "did" : "did not"),
                    check.addressTrap() ? "check-only" : "bounds-only"));
        }
    }

    /** Where a run failed, without messages: the first violation's kind and place, or the trap's kind and location. */
    static String site(ModeRun r) {
        if (!r.violations().isEmpty()) {
            String v = r.violations().get(0);
            int colon = v.indexOf(':');
            return colon > 0 ? v.substring(0, colon) : v;
        }
        return r.trapKind() == null ? "" : r.trapKind() + "@" + r.trapLocation();
    }
}
