package testbed.faults.environment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import testbed.corpus.Corpus;
import testbed.corpus.CorpusEntry;
import testbed.faults.Faults;
import testbed.faults.environment.TrialEnvironment.PacketLength;
import testbed.kernel.api.Status;

/** Environment faults arm one thing per trial, chosen by the seed alone, from the documented range. */
class EnvironmentFaultTest {
    private static final Corpus CORPUS = Corpus.bundled();
    private static final int SEEDS = 400;

    static Stream<Named<EnvironmentFault>> kinds() {
        return Faults.all().stream()
                .filter(EnvironmentFault.class::isInstance)
                .map(f -> Named.of(f.name(), (EnvironmentFault) f));
    }

    private static byte[] bytes(String entry) {
        return CORPUS.entry(entry).classBytes();
    }

    private static RecordingEnvironment env(String entry) {
        return new RecordingEnvironment(bytes(entry), true, true);
    }

    @Test
    void theKindsAreThere() {
        assertThat(kinds().map(Named::getName)).containsExactlyInAnyOrder(
                "helper-failure", "awkward-revocation", "bad-packet-lengths", "preemption");
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void theSameSeedArmsTheSameThing(EnvironmentFault kind) {
        for (CorpusEntry entry : CORPUS.entries()) {
            for (long seed : new long[] {0, 1, -1, 99, Long.MIN_VALUE}) {
                RecordingEnvironment a = new RecordingEnvironment(entry.classBytes(), true, true);
                RecordingEnvironment b = new RecordingEnvironment(entry.classBytes(), true, true);
                assertThat(kind.arm(b, seed)).isEqualTo(kind.arm(a, seed));
                assertThat(b.armed).isEqualTo(a.armed);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aFaultArmsAtMostOneThing(EnvironmentFault kind) {
        for (long seed = 0; seed < SEEDS; seed++) {
            RecordingEnvironment env = env("benign/LockPairingEventHandler");
            Arming arming = kind.arm(env, seed);
            assertThat(env.armed).hasSize(1);
            assertThat(arming.armed()).isTrue();
            assertThat(arming.description()).isNotBlank();
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void differentSeedsArmDifferentThings(EnvironmentFault kind) {
        Set<List<String>> armed = new HashSet<>();
        for (long seed = 0; seed < 64; seed++) {
            RecordingEnvironment env = env("benign/LockPairingEventHandler");
            kind.arm(env, seed);
            armed.add(env.armed);
        }
        assertThat(armed).hasSizeGreaterThan(3);
    }

    @Test
    void aHelperFailureHitsOnlyHelpersTheExtensionCallsWithStatusesTheyDocument() {
        EnvironmentFault kind = (EnvironmentFault) Faults.byName("helper-failure");
        Set<String> helpers = new HashSet<>();
        Map<Integer, Integer> calls = new HashMap<>();
        for (long seed = 0; seed < SEEDS; seed++) {
            RecordingEnvironment env = env("benign/LockPairingEventHandler");
            Arming arming = kind.arm(env, seed);
            helpers.add(env.helper);
            calls.merge(env.nthCall, 1, Integer::sum);
            assertThat(env.status).isNegative();
            assertThat(Status.name(env.status)).doesNotStartWith("E-");
            assertThat(arming.description()).isEqualTo(env.helper + " returns " + Status.name(env.status) + " at call " + env.nthCall);
        }
        assertThat(helpers).containsExactlyInAnyOrder("alloc", "lock", "unlock");
        assertThat(calls.keySet()).allMatch(n -> n >= 1 && n <= 8).contains(1, 2, 3);
        assertThat(calls.get(1)).as("the first call fails most often").isGreaterThan(calls.get(2));
    }

    @Test
    void everyHelperThatCanFailIsRecognised() {
        assertThat(HelperFailure.helpersCalled(bytes("benign/FrameBindingLibraryOs"))).containsExactly("bindFrame", "releaseFrame");
        assertThat(HelperFailure.helpersCalled(bytes("benign/EchoPacketFilter"))).containsExactly("sendPacket");
        Set<String> all = CORPUS.entries().stream().flatMap(e -> HelperFailure.helpersCalled(e.classBytes()).stream())
                .collect(Collectors.toSet());
        assertThat(all).contains("alloc", "free", "sendPacket", "lock", "unlock", "bindFrame", "releaseFrame");
    }

    @Test
    void aHelperFailureDoesNotApplyToAnExtensionThatCallsNoHelper() {
        RecordingEnvironment env = env("benign/GuardedEventHandler");
        Arming arming = ((EnvironmentFault) Faults.byName("helper-failure")).arm(env, 7);
        assertThat(arming.armed()).isFalse();
        assertThat(arming).hasToString("not applicable: the extension calls no kernel helper that can fail");
        assertThat(env.armed).isEmpty();
    }

    @Test
    void anAwkwardRevocationComesRightAfterStartOrBeforeAnEarlyInvocation() {
        EnvironmentFault kind = (EnvironmentFault) Faults.byName("awkward-revocation");
        Set<Integer> moments = new HashSet<>();
        Set<Integer> frames = new HashSet<>();
        for (long seed = 0; seed < SEEDS; seed++) {
            RecordingEnvironment env = env("benign/FrameBindingLibraryOs");
            kind.arm(env, seed);
            moments.add(env.invocation);
            frames.add(env.frames);
        }
        assertThat(moments).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
        assertThat(frames).containsExactlyInAnyOrder(1, 2, 4, 8, 1 << 20);
        Arming notLibraryOs = kind.arm(new RecordingEnvironment(bytes("benign/EchoPacketFilter"), false, true), 1);
        assertThat(notLibraryOs.armed()).isFalse();
    }

    @Test
    void badPacketLengthsCoverEveryKindOfLie() {
        EnvironmentFault kind = (EnvironmentFault) Faults.byName("bad-packet-lengths");
        Set<PacketLength> seen = EnumSet.noneOf(PacketLength.class);
        for (long seed = 0; seed < SEEDS; seed++) {
            RecordingEnvironment env = env("benign/HeaderFieldPacketFilter");
            kind.arm(env, seed);
            seen.add(env.corruption);
        }
        assertThat(seen).isEqualTo(EnumSet.allOf(PacketLength.class));
        Arming noPackets = kind.arm(new RecordingEnvironment(bytes("benign/LruEvictionPolicy"), false, false), 1);
        assertThat(noPackets.armed()).isFalse();
    }

    @Test
    void preemptionCutsFuelAtEveryScale() {
        EnvironmentFault kind = (EnvironmentFault) Faults.byName("preemption");
        long min = Long.MAX_VALUE;
        long max = 0;
        for (long seed = 0; seed < SEEDS; seed++) {
            RecordingEnvironment env = env("benign/LruEvictionPolicy");
            kind.arm(env, seed);
            assertThat(env.fuel).isBetween(1L, (1L << Preemption.MAX_EXPONENT) - 1);
            min = Math.min(min, env.fuel);
            max = Math.max(max, env.fuel);
        }
        assertThat(min).isLessThan(16);
        assertThat(max).isGreaterThan(1L << 18);
    }
}
