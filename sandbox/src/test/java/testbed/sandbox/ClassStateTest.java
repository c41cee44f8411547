package testbed.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which classes an unprotected sandbox may share between domains: those with no state of their own. */
class ClassStateTest {
    /** A counter that would carry from one domain to the next if the class were shared. */
    static final class Counting {
        static int calls;
    }

    /** Filled by a static initialiser, which would run once for all domains. */
    static final class Initialised {
        static final int[] TABLE = {1, 2, 3};
    }

    /** Constants only. */
    static final class Constants {
        static final int LIMIT = 64;
        static final String NAME = "constants";
        int instanceState;
    }

    @Test
    void staticFieldsAndInitialisersAreClassState() {
        assertThat(ClassState.present(SandboxFixture.bytesOf(Counting.class))).isTrue();
        assertThat(ClassState.present(SandboxFixture.bytesOf(Initialised.class))).isTrue();
    }

    @Test
    void constantsAndInstanceFieldsAreNot() {
        assertThat(ClassState.present(SandboxFixture.bytesOf(Constants.class))).isFalse();
        assertThat(ClassState.present(SandboxFixture.bytesOf(Samples.Spinner.class))).isFalse();
    }

    @Test
    void unreadableBytesCountAsState() {
        assertThat(ClassState.present(new byte[] {1, 2, 3})).isTrue();
    }
}
