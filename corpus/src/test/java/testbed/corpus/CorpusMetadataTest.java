package testbed.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import testbed.kernel.api.EventHandler;
import testbed.kernel.api.EvictionPolicy;
import testbed.kernel.api.LibraryOs;
import testbed.kernel.api.PacketFilter;
import testbed.kernel.api.ReadFilter;

class CorpusMetadataTest {
    /** The protection modes of DESIGN.md; a downstream test checks them against the real enum. */
    static final List<String> MODES = List.of("NONE", "SFI_MASK", "SFI_CHECK", "BOUNDS", "VERIFIED", "PROCESS");
    static final List<String> PROTECTED_MODES = MODES.subList(1, MODES.size());

    private static final Corpus CORPUS = Corpus.bundled();
    private static final Pattern YEAR = Pattern.compile("\\b(19|20)\\d\\d\\b");

    static List<CorpusEntry> entries() {
        return CORPUS.entries();
    }

    @ParameterizedTest
    @MethodSource("entries")
    void everyEntryHasAThreatAndADatedReference(CorpusEntry entry) {
        assertThat(entry.threat()).isNotBlank();
        assertThat(entry.reference()).isNotBlank();
        assertThat(YEAR.matcher(entry.reference()).find()).as("reference of %s cites a year: %s", entry, entry.reference()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("entries")
    void everyEntryNamesOnlyKnownModes(CorpusEntry entry) {
        assertThat(entry.expectations().keySet()).isSubsetOf(MODES);
    }

    @ParameterizedTest
    @MethodSource("entries")
    void everyEntryLivesInItsFamilysPackageUnderItsName(CorpusEntry entry) {
        assertThat(entry.family()).isNotNull();
        String simpleName = entry.className().substring(entry.className().lastIndexOf('.') + 1);
        assertThat(entry.name()).isEqualTo(entry.family().directory() + "/" + simpleName);
        assertThat(entry.className()).isEqualTo(Corpus.ENTRIES_PACKAGE + "." + entry.family().directory() + "." + simpleName);
    }

    @ParameterizedTest
    @MethodSource("entries")
    void everyEntryImplementsOneHookAndCarriesItsClassFile(CorpusEntry entry) {
        assertThat(entry.hook()).isIn(PacketFilter.class, ReadFilter.class, EventHandler.class, EvictionPolicy.class, LibraryOs.class);
        byte[] bytes = entry.classBytes();
        assertThat(bytes).startsWith((byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE);
        bytes[0] = 0;
        assertThat(entry.classBytes()[0]).as("classBytes() hands out a copy").isEqualTo((byte) 0xCA);
    }

    @ParameterizedTest
    @MethodSource("entries")
    void everyMisbehavingEntryStatesItsUnprotectedOutcome(CorpusEntry entry) {
        if (entry.family() != Family.BENIGN) {
            assertThat(entry.expectations()).as("%s names its NONE outcome explicitly", entry).containsKey("NONE");
        }
    }

    @ParameterizedTest
    @MethodSource("entries")
    void protectionNeverExpectsDamageAHangOrACrash(CorpusEntry entry) {
        for (String mode : PROTECTED_MODES) {
            assertThat(entry.expected(mode)).as("%s under %s", entry, mode)
                    .isNotIn(Outcome.ESCAPED, Outcome.HUNG, Outcome.CRASHED);
        }
    }

    @ParameterizedTest
    @MethodSource("entries")
    void modesNotNamedFallBackToOtherwise(CorpusEntry entry) {
        assertThat(entry.expected("A_MODE_ADDED_NEXT_YEAR")).isEqualTo(entry.otherwise());
        for (String mode : MODES) {
            assertThat(entry.expected(mode)).isEqualTo(entry.expectations().getOrDefault(mode, entry.otherwise()));
        }
    }

    @ParameterizedTest
    @MethodSource("entries")
    void everyEntryJavadocExplainsItselfAndNamesItsModes(CorpusEntry entry) throws IOException {
        Path source = CorpusDiscoveryTest.ENTRY_SOURCES.resolve(entry.name() + ".java");
        String text = Files.readString(source);
        int annotation = text.indexOf("@Entry(");
        int javadoc = text.lastIndexOf("/**", annotation);
        assertThat(javadoc).as("%s has a Javadoc comment before @Entry", source).isNotNegative();
        String doc = text.substring(javadoc, annotation);
        assertThat(doc).as("Javadoc of %s", entry).contains("Represents:", "Expected outcome per protection mode", "every other mode");
        for (Map.Entry<String, Outcome> e : entry.expectations().entrySet()) {
            assertThat(doc).as("Javadoc of %s names mode %s", entry, e.getKey()).contains("{@code " + e.getKey() + "}");
            assertThat(doc).as("Javadoc of %s names outcome %s", entry, e.getValue()).contains(e.getValue().name());
        }
        assertThat(doc).contains(entry.otherwise().name());
    }

    @Test
    void benignControlsAreOkInEveryMode() {
        assertThat(CORPUS.entries(Family.BENIGN)).isNotEmpty().allSatisfy(e -> {
            for (String mode : MODES) {
                assertThat(e.expected(mode)).as("%s under %s", e, mode).isEqualTo(Outcome.OK);
            }
        });
    }

    @Test
    void jvmEscapesAreRejectedByEveryProtectedMode() {
        assertThat(CORPUS.entries(Family.JVM_ESCAPE)).isNotEmpty().allSatisfy(e -> {
            for (String mode : PROTECTED_MODES) {
                assertThat(e.expected(mode)).as("%s under %s", e, mode).isEqualTo(Outcome.REJECTED);
            }
            assertThat(e.otherwise()).isEqualTo(Outcome.REJECTED);
        });
    }

    @Test
    void onlyJvmEscapesExpectRejection() {
        for (CorpusEntry e : CORPUS.entries()) {
            if (e.family() != Family.JVM_ESCAPE) {
                for (String mode : MODES) {
                    assertThat(e.expected(mode)).as("%s under %s", e, mode).isNotEqualTo(Outcome.REJECTED);
                }
            }
        }
    }

    @Test
    void theCorpusHasEnoughEntriesInEveryFamily() {
        Map<Family, Integer> minimum = new EnumMap<>(Map.of(
                Family.MEMORY, 20, Family.CONTROL, 5, Family.RESOURCE, 6,
                Family.KERNEL_INTERFACE, 8, Family.JVM_ESCAPE, 8, Family.BENIGN, 6));
        assertThat(minimum.keySet()).containsExactlyInAnyOrder(Family.values());
        for (Family f : Family.values()) {
            assertThat(CORPUS.entries(f)).as("entries of %s", f).hasSizeGreaterThanOrEqualTo(minimum.get(f));
        }
        assertThat(CORPUS.entries()).hasSizeGreaterThanOrEqualTo(45);
        int sum = 0;
        for (Family f : Family.values()) {
            sum += CORPUS.entries(f).size();
        }
        assertThat(sum).isEqualTo(CORPUS.entries().size());
    }

    @Test
    void everyHookHasABenignControl() {
        Set<Class<?>> hooks = Set.of(PacketFilter.class, ReadFilter.class, EventHandler.class, EvictionPolicy.class, LibraryOs.class);
        assertThat(CORPUS.entries(Family.BENIGN).stream().map(CorpusEntry::hook)).containsAll(hooks);
    }
}
