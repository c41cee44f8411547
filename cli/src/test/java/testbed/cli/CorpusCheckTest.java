package testbed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Every bundled entry meets its expected outcome in every mode: the corpus's build-time check. */
class CorpusCheckTest {

    @Test
    void everyEntryMeetsItsExpectationInEveryMode() {
        Cli check = Cli.run("corpus", "check");
        assertThat(check.out).as(check.toString()).contains("entries x 6 modes: 0 mismatches").contains("guards removed by VERIFIED");
        assertThat(check.exit).as(check.toString()).isZero();
    }
}
