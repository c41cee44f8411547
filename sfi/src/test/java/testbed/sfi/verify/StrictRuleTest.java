package testbed.sfi.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import testbed.sfi.ProtectionMode;
import testbed.sfi.Rewrite;
import testbed.sfi.RewriteException;

/**
 * VERIFIED's strict variant loads exactly the classes whose every access the checked proof shows
 * inside the segment, with no memory guard left, and refuses any other with one line naming the
 * first unproven access, its width and the reason.
 */
class StrictRuleTest {
    private static final Rewrite STRICT = Rewrite.of(ProtectionMode.VERIFIED).segment(AnalysisTest.SEGMENT).metered(true).strict();

    @ParameterizedTest
    @ValueSource(classes = {Workloads.Copy.class, Workloads.Checksum.class, Workloads.HashTable.class,
            Workloads.Sort.class, Workloads.Header.class})
    void aFullyProvenExtensionLoadsWithoutAnyMemoryGuard(Class<?> sample) {
        byte[] rewritten = STRICT.apply(AnalysisTest.bytesOf(sample));
        assertThat(guarded(rewritten)).as("calls the bounds guard").isFalse();
        assertThat(rewritten).isEqualTo(Rewrite.of(ProtectionMode.VERIFIED).segment(AnalysisTest.SEGMENT).metered(true)
                .apply(AnalysisTest.bytesOf(sample)));
    }

    @Test
    void anAddressReadFromMemoryIsRefusedNamingTheAccessItsWidthAndTheReason() {
        RewriteException e = catchThrowableOfType(RewriteException.class, () -> STRICT.apply(AnalysisTest.bytesOf(Workloads.Wild.class)));
        Proof.Unproven unproven = AnalysisTest.proof(Workloads.Wild.class).methods().values().stream()
                .flatMap(m -> m.unproven().stream()).findFirst().orElseThrow();
        assertThat(e.getMessage()).doesNotContain("\n")
                .startsWith("strict verification refuses " + Workloads.Wild.class.getName() + ".filter@" + unproven.index() + " "
                        + unproven.access() + " (" + unproven.access().replaceAll("\\D", "").transform(bits -> Integer.parseInt(bits) / 8)
                        + "-byte " + (unproven.access().startsWith("store") ? "store" : "load") + ") is not proven inside the segment: ")
                .endsWith(unproven.reason());
    }

    @Test
    void aCompactionStoreTheIntervalsCannotBoundIsRefusedThoughBoundsWouldGuardIt() {
        assertThatThrownBy(() -> STRICT.apply(AnalysisTest.bytesOf(Workloads.Records.class)))
                .isInstanceOf(RewriteException.class)
                .hasMessageContaining(Workloads.Records.class.getName() + ".filter@")
                .hasMessageContaining("store64 (8-byte store) is not proven inside the segment: address base+");
        assertThat(guarded(Rewrite.of(ProtectionMode.VERIFIED).segment(AnalysisTest.SEGMENT).apply(AnalysisTest.bytesOf(Workloads.Records.class))))
                .as("VERIFIED guards the same store instead").isTrue();
    }

    @Test
    void onlyVerifiedHasAStrictVariant() {
        assertThatThrownBy(() -> Rewrite.of(ProtectionMode.BOUNDS).segment(AnalysisTest.SEGMENT).strict())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("only VERIFIED");
    }

    /** Whether the class names the bounds guard of a single access or of a copy (its constant pool holds their names). */
    private static boolean guarded(byte[] classBytes) {
        String text = new String(classBytes, StandardCharsets.ISO_8859_1);
        return text.contains("checkBounds") || text.contains("boundedCopy");
    }
}
