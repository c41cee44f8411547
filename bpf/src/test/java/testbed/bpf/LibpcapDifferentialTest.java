package testbed.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import testbed.bpf.capture.Capture;
import testbed.sfi.ProtectionMode;

/**
 * The libpcap oracle: the reference capture and verdicts in {@code reference/} (a copy of
 * {@code shared/bpf}), read through the generic format readers, so any further verdict file and
 * capture in the same format is checked the same way ({@code testbed bpf check-verdicts}).
 */
class LibpcapDifferentialTest {
    static Path reference(String file) {
        try {
            return Path.of(LibpcapDifferentialTest.class.getResource("reference/" + file).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void interpreterAndJitInEveryModeAcceptExactlyLibpcapsPackets() throws Exception {
        ReferenceVerdicts verdicts = ReferenceVerdicts.read(reference("filters.json"));
        Capture capture = Capture.read(reference(verdicts.capture()));
        List<ProtectionMode> modes = List.of(ProtectionMode.values());

        Differential.Result result = Differential.run(verdicts, capture, modes);

        assertThat(result.filters()).hasSize(verdicts.filters().size()).isNotEmpty();
        assertThat(result.frames()).isEqualTo(verdicts.packets());
        String disagreements = result.filters().stream()
                .flatMap(f -> f.engines().stream().filter(e -> !e.agrees())
                        .map(e -> f.filter().expression() + " / " + e.engine() + ": "
                                + (e.error() != null ? e.error() : "packets " + e.mismatches())))
                .collect(Collectors.joining("\n"));
        assertThat(disagreements).as("engines that disagree with libpcap").isEmpty();
        for (Differential.FilterResult f : result.filters()) {
            assertThat(f.engines()).extracting(Differential.EngineResult::engine)
                    .containsExactlyElementsOf(java.util.stream.Stream.concat(java.util.stream.Stream.of("interpreter"),
                            modes.stream().map(m -> "jit/" + m)).toList());
        }
    }

    @Test
    void aWrongReferenceVerdictIsReportedByEveryEngine() throws Exception {
        ReferenceVerdicts verdicts = ReferenceVerdicts.read(reference("filters.json"));
        ReferenceVerdicts.Filter first = verdicts.filters().get(0);
        boolean[] flipped = first.matches().clone();
        flipped[0] = !flipped[0];
        ReferenceVerdicts wrong = new ReferenceVerdicts(verdicts.capture(), verdicts.linkType(), verdicts.packets(),
                verdicts.reference(), List.of(new ReferenceVerdicts.Filter(first.expression(), first.program(), flipped)));

        Differential.Result result = Differential.run(wrong, Capture.read(reference(verdicts.capture())),
                List.of(ProtectionMode.NONE, ProtectionMode.SFI_MASK, ProtectionMode.PROCESS));

        assertThat(result.agrees()).isFalse();
        assertThat(result.filters().get(0).engines()).hasSize(4)
                .allSatisfy(e -> assertThat(e.mismatches()).as(e.engine()).containsExactly(1));
    }

    @Test
    void theVerdictsAreNotAllOneWay() throws Exception {
        // A differential over filters that accept everything or nothing would prove little.
        ReferenceVerdicts verdicts = ReferenceVerdicts.read(reference("filters.json"));
        for (ReferenceVerdicts.Filter f : verdicts.filters()) {
            assertThat(f.matchCount()).as(f.expression()).isBetween(1, verdicts.packets() - 1);
        }
    }
}
