package testbed.sandbox;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import testbed.sfi.ProtectionMode;
import testbed.sfi.Rewrite;
import testbed.sfi.RewriteException;
import testbed.technique.Technique;

/**
 * An isolation technique as the testbed runs it: one of the built-in {@link ProtectionMode}s, or
 * a plug-in {@link Technique} loaded from a jar. This is the value that names a column of the
 * containment table, a mode of the fuzzer and a part of a trial id; {@link Protections} turns a
 * name into it.
 */
public sealed interface Protection permits Protection.BuiltIn, Protection.PlugIn {
    /** What a plug-in's name may look like: it lands in trial ids, file names and report columns. */
    Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,39}");

    /** The name {@code --modes} selects it by, reports show and trial ids carry. */
    String name();

    /**
     * The built-in mode whose load pipeline runs it: {@code NONE} (unverified, unconfined),
     * {@code PROCESS} (defined in a child JVM that maps only the segment), or an in-JVM protected mode.
     */
    ProtectionMode pipeline();

    /** The mode name whose expected outcomes in the corpus a trial under this technique is judged against. */
    String expectationsOf();

    /** The rewrite stage of its load pipeline. */
    Sandbox.Rewriter rewriter();

    /** One sentence for a reader of the report. */
    String description();

    /**
     * Whether its domains get a guard zone after their segment ({@link testbed.kernel.DomainSpec#withGuardZone()}):
     * address sandboxing ({@code SFI_MASK}, a plug-in that {@linkplain Technique#masks() masks}) relies on one
     * to stop an access that the mask leaves straddling the segment's end.
     */
    default boolean guardZone() {
        return expectationsOf().equals(ProtectionMode.SFI_MASK.name());
    }

    /** The built-in modes as techniques, in the order given. */
    static List<Protection> of(List<ProtectionMode> modes) {
        return modes.stream().<Protection>map(BuiltIn::new).toList();
    }

    /**
     * The name of {@code VERIFIED}'s strict variant ({@link BuiltIn#strict()}), a built-in technique
     * beside the {@link ProtectionMode}s: it refuses a class whose accesses the proof does not all
     * show inside the segment, as the Linux eBPF verifier does, and runs what it loads unguarded.
     */
    String VERIFIED_STRICT = "VERIFIED_STRICT";

    /** Whether this is the unprotected baseline, {@code NONE}. */
    default boolean unprotected() {
        return pipeline() == ProtectionMode.NONE;
    }

    /**
     * A built-in protection mode; every constant of {@link ProtectionMode} is one, and so is
     * {@code VERIFIED} with {@code strict} ({@link #VERIFIED_STRICT}: {@link Rewrite#strict()}).
     */
    record BuiltIn(ProtectionMode mode, boolean strict) implements Protection {
        public BuiltIn {
            Objects.requireNonNull(mode, "mode");
            if (strict && mode != ProtectionMode.VERIFIED) {
                throw new IllegalArgumentException("only VERIFIED has a strict variant, not " + mode);
            }
        }

        /** The mode as it is, not strict. */
        public BuiltIn(ProtectionMode mode) {
            this(mode, false);
        }

        @Override
        public String name() {
            return strict ? VERIFIED_STRICT : mode.name();
        }

        @Override
        public ProtectionMode pipeline() {
            return mode;
        }

        @Override
        public String expectationsOf() {
            return name();
        }

        @Override
        public Sandbox.Rewriter rewriter() {
            return strict ? (bytes, segment, m, metered) -> Rewrite.of(m).segment(segment).metered(metered).strict().apply(bytes)
                    : Sandbox.Rewriter.STANDARD;
        }

        @Override
        public String description() {
            return switch (mode.name()) {
                case "NONE" -> "built-in: unprotected, the baseline (not verified, not confined; work counted)";
                case "SFI_MASK" -> "built-in: address sandboxing, every address forced into the segment";
                case "SFI_CHECK" -> "built-in: segment matching, an access outside the segment traps";
                case "BOUNDS" -> "built-in: an explicit bounds check per access, WebAssembly style";
                case "PROCESS" -> "built-in: a child JVM that maps only the segment, called over a pipe";
                case "VERIFIED" -> strict ? "built-in: a static proof of every access or a refusal at load, eBPF verifier style"
                        : "built-in: a static proof leaves the accesses it covers unchecked, the others checked as in BOUNDS";
                default -> "built-in protection mode";
            };
        }

        @Override
        public String toString() {
            return name();
        }
    }

    /**
     * A technique from a plug-in jar. Its rewrite runs under a time bound on a thread of the
     * sandbox's own ({@link PlugInRewrite}); unless the technique {@link Technique#meters() meters} itself, its
     * result is metered and its handlers guarded by the same pass that meters the built-in
     * modes (the one {@code PROCESS} uses, which confines nothing itself).
     */
    final class PlugIn implements Protection {
        private final Technique technique;
        private final String name;
        private final Path jar;

        PlugIn(Technique technique, String name, Path jar) {
            this.technique = technique;
            this.name = name;
            this.jar = jar;
        }

        /** The jar the technique came from. */
        public Path jar() {
            return jar;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public ProtectionMode pipeline() {
            return technique.needsProcess() ? ProtectionMode.PROCESS : ProtectionMode.SFI_CHECK;
        }

        @Override
        public String expectationsOf() {
            return technique.masks() ? ProtectionMode.SFI_MASK.name() : technique.needsProcess() ? ProtectionMode.PROCESS.name() : name;
        }

        /** A rewriter with a rewrite thread of its own, so that sandboxes on different threads do not queue behind each other. */
        @Override
        public Sandbox.Rewriter rewriter() {
            PlugInRewrite bounded = new PlugInRewrite(name, technique);
            return (bytes, segment, mode, metered) -> {
                byte[] out = bounded.apply(bytes, new Technique.Segment(segment.base(), segment.size()));
                if (technique.meters()) {
                    return out;
                }
                try {
                    return Rewrite.of(ProtectionMode.PROCESS).segment(segment).metered(metered).apply(out);
                } catch (RewriteException e) {
                    throw new RewriteException("technique '" + name + "' returned a class the metering pass refuses: " + e.getMessage());
                }
            };
        }

        @Override
        public String description() {
            String d;
            try {
                d = technique.description();
            } catch (RuntimeException e) {
                d = null;
            }
            return "plug-in technique " + name + " from " + jar.getFileName() + (d == null || d.isBlank() ? "" : ": " + d.strip());
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
