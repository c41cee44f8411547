package testbed.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import testbed.corpus.Corpus;
import testbed.corpus.CorpusEntry;
import testbed.corpus.Family;

/**
 * The trial runner copies all of memory back only after an unprotected class that could write it
 * unrecorded; every other trial is undone page by page. The scan must find every such route in
 * the corpus, and a write through one must not outlive its trial.
 */
class MonitorBypassTest {
    private static final Corpus CORPUS = Corpus.bundled();

    @Test
    void everyRoutePastTheMonitorInTheCorpusIsFound() {
        for (String name : List.of("jvm_escape/UnsafeViaReflection", "jvm_escape/ReflectionDeclaredFields",
                "jvm_escape/ReflectionClassForName", "jvm_escape/CustomClassLoader", "jvm_escape/NativeMethod",
                "jvm_escape/NewThread")) {
            assertThat(MonitorBypass.possible(CORPUS.entry(name).classBytes())).as(name).isTrue();
        }
    }

    @Test
    void classesThatOnlyUseTheExtensionApiNeedNoFullRestore() {
        List<String> flagged = new ArrayList<>();
        for (CorpusEntry e : CORPUS.entries()) {
            if (e.family() != Family.JVM_ESCAPE && MonitorBypass.possible(e.classBytes())) {
                flagged.add(e.name());
            }
        }
        assertThat(flagged).isEmpty();
        // Method references to Memory go through the monitored interface like direct calls.
        assertThat(MonitorBypass.possible(CORPUS.entry("jvm_escape/MethodReferenceStore").classBytes())).isFalse();
    }

    @Test
    void unreadableBytesCountAsABypass() {
        assertThat(MonitorBypass.possible(new byte[] {(byte) 0xCA, (byte) 0xFE, 0, 1})).isTrue();
    }

    @Test
    void aWriteThatBypassedTheMonitorDoesNotReachTheNextTrial() {
        TrialId after = TrialId.parse("benign/InternetChecksumFilter~none~NONE~1");
        TrialRecord alone;
        try (TrialRunner runner = new TrialRunner(CORPUS)) {
            alone = runner.run(after);
        }
        try (TrialRunner runner = new TrialRunner(CORPUS)) {
            TrialRecord escape = runner.run(TrialId.parse("jvm_escape/ReflectionDeclaredFields~none~NONE~1"));
            assertThat(escape.outcome()).isEqualTo(testbed.corpus.Outcome.ESCAPED);
            TrialRecord next = runner.run(after);
            assertThat(next.outcome()).isEqualTo(alone.outcome());
            assertThat(next.violations()).isEqualTo(alone.violations());
            assertThat(next.detail()).isEqualTo(alone.detail());
        }
    }
}
