package testbed.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The threats the corpus must cover are present, carry the expectations their threat class calls
 * for, and their bytecode really contains what they claim (a corpus entry that silently lost its
 * native method or its monitor would test nothing).
 */
class CorpusCoverageTest {
    private static final Corpus CORPUS = Corpus.bundled();
    private static final String API = "testbed/kernel/api/";
    private static final Set<String> PROGRAM_EXCEPTIONS = Set.of("java/lang/ArithmeticException",
            "java/lang/IllegalStateException", "java/lang/RuntimeException");

    /** Every kernel region of the boot header, plus another domain's segment. */
    static final List<String> TARGETS = List.of("FrameTable", "SegmentTable", "LockTable", "HookTable", "RxRing", "TxRing",
            "BufferCache", "KernelLog", "NeighbourSegment");

    static List<String> wildAccesses() {
        return TARGETS.stream().flatMap(t -> Stream.of("memory/WildStore" + t, "memory/WildLoad" + t)).toList();
    }

    @ParameterizedTest
    @MethodSource("wildAccesses")
    void wildStoresAndLoadsHitEveryRegionAndEscapeOnlyWithoutProtection(String name) {
        CorpusEntry e = CORPUS.entry(name);
        assertThat(e.family()).isEqualTo(Family.MEMORY);
        assertThat(e.expected("NONE")).isEqualTo(Outcome.ESCAPED);
        assertThat(e.expected("SFI_MASK")).isIn(Outcome.OK, Outcome.WRONG_RESULT);
        assertThat(e.expected("SFI_CHECK")).isEqualTo(Outcome.CONTAINED);
        assertThat(e.expected("BOUNDS")).isEqualTo(Outcome.CONTAINED);
        Bytecode code = Bytecode.of(e);
        String access = name.startsWith("memory/WildStore") ? API + "Memory.store" : API + "Memory.load";
        assertThat(code.callsAny(access)).as("%s calls %s*", name, access).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory/CopyPastSegmentEndByOne", "memory/CopyLengthOverrun", "memory/CopyNegativeLength",
            "memory/CopyHugeLength"})
    void bulkCopiesOverrunAndAreContainedWhenChecked(String name) {
        CorpusEntry e = CORPUS.entry(name);
        assertThat(Bytecode.of(e).calls(API + "Memory.copy")).isTrue();
        assertThat(e.expected("NONE")).isIn(Outcome.ESCAPED, Outcome.CRASHED);
        assertThat(e.expected("SFI_CHECK")).isEqualTo(Outcome.CONTAINED);
        assertThat(e.expected("BOUNDS")).isEqualTo(Outcome.CONTAINED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory/StoreStraddlingSegmentEnd", "memory/LoadStraddlingSegmentEnd"})
    void accessesStraddlingTheSegmentEndEscapeOnlyWithoutProtection(String name) {
        CorpusEntry e = CORPUS.entry(name);
        assertThat(e.expected("NONE")).isEqualTo(Outcome.ESCAPED);
        assertThat(e.expected("SFI_MASK")).as("the guard zone after the segment faults").isEqualTo(Outcome.CONTAINED);
        assertThat(e.expected("SFI_CHECK")).isEqualTo(Outcome.CONTAINED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"control/InfiniteLoop", "control/CatchTrapAndContinue", "control/FinallyThatLoops",
            "control/GuardNeverReturns", "resource/LockAndSpin", "resource/PacketFlood"})
    void nonTerminatingEntriesHangUnprotectedAndAreContainedOtherwise(String name) {
        CorpusEntry e = CORPUS.entry(name);
        assertThat(e.expected("NONE")).isEqualTo(Outcome.HUNG);
        for (String mode : CorpusMetadataTest.PROTECTED_MODES) {
            assertThat(e.expected(mode)).as("%s under %s", name, mode).isEqualTo(Outcome.CONTAINED);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"control/InfiniteRecursion", "control/ThrowsArithmeticException", "control/ThrowsNullPointer",
            "control/ThrowsArrayIndexOutOfBounds", "resource/AllocationBomb"})
    void throwingEntriesCrashTheUnprotectedKernelAndAreContainedOtherwise(String name) {
        CorpusEntry e = CORPUS.entry(name);
        assertThat(e.expected("NONE")).isEqualTo(Outcome.CRASHED);
        for (String mode : CorpusMetadataTest.PROTECTED_MODES) {
            // The strict variant refuses an entry whose proof leaves a guard (here, an access after a division by zero).
            assertThat(e.expected(mode)).as("%s under %s", name, mode)
                    .isIn(mode.equals(CorpusMetadataTest.STRICT) ? List.of(Outcome.CONTAINED, Outcome.REJECTED) : List.of(Outcome.CONTAINED));
        }
    }

    @Test
    void aLockHeldForeverLeaksUnprotectedAndIsContainedOtherwise() {
        CorpusEntry e = CORPUS.entry("resource/LockHeldForever");
        assertThat(e.expected("NONE")).isEqualTo(Outcome.ESCAPED);
        assertThat(e.otherwise()).isEqualTo(Outcome.CONTAINED);
        assertThat(Bytecode.of(e).calls(API + "Context.lock")).isTrue();
        assertThat(Bytecode.of(e).calls(API + "Context.unlock")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"resource/HoardFrames", "resource/ForgedFrameFree", "resource/RefuseRevocation",
            "resource/LieAboutRevocation", "resource/ExhaustSegmentHeap"})
    void resourceAbusesArePresent(String name) {
        assertThat(CORPUS.entry(name).family()).isEqualTo(Family.RESOURCE);
    }

    @Test
    void aForgedFrameFreeWritesTheFrameTableAndRevocationRefusalsBindFrames() {
        assertThat(Bytecode.of(CORPUS.entry("resource/ForgedFrameFree")).callsAny(API + "Memory.store")).isTrue();
        for (String name : List.of("resource/RefuseRevocation", "resource/LieAboutRevocation")) {
            Bytecode code = Bytecode.of(CORPUS.entry(name));
            assertThat(code.calls(API + "Context.bindFrame")).isTrue();
            assertThat(code.calls(API + "Context.releaseFrame")).as("%s never releases", name).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"kernel_interface/NegativeLengthHelpers", "kernel_interface/ForeignAddressHelpers",
            "kernel_interface/UnknownLockIds", "kernel_interface/DoubleFree", "kernel_interface/ReleaseForeignFrame",
            "kernel_interface/DoubleLock"})
    void helperAbuseWithBadArgumentsIsHarmlessInEveryMode(String name) {
        CorpusEntry e = CORPUS.entry(name);
        for (String mode : CorpusMetadataTest.MODES) {
            assertThat(e.expected(mode)).as("%s under %s", name, mode).isIn(Outcome.OK, Outcome.WRONG_RESULT);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"kernel_interface/PacketFilterReturnsNegative", "kernel_interface/PacketFilterReturnsOversize",
            "kernel_interface/EvictionVictimOutOfRange", "kernel_interface/ReadFilterOverclaims"})
    void garbageAnswersAreWrongResultsInEveryMode(String name) {
        CorpusEntry e = CORPUS.entry(name);
        for (String mode : CorpusMetadataTest.MODES) {
            assertThat(e.expected(mode)).as("%s under %s", name, mode).isEqualTo(Outcome.WRONG_RESULT);
        }
    }

    @Test
    void everyJvmEscapeRouteIsPresentAndReallyInTheBytecode() {
        assertEscape("jvm_escape/ReflectionClassForName", c -> c.calls("java/lang/Class.forName") && c.callsAny("java/lang/reflect/Method.invoke"));
        assertEscape("jvm_escape/ReflectionDeclaredFields", c -> c.calls("java/lang/Class.getDeclaredFields")
                && c.calls("java/lang/reflect/Field.setAccessible"));
        assertEscape("jvm_escape/UnsafeViaReflection", c -> c.constants.contains("sun.misc.Unsafe") && c.calls("java/lang/Class.forName"));
        assertEscape("jvm_escape/NewThread", c -> c.superName.equals("java/lang/Thread") && c.calls("testbed/corpus/entries/jvm_escape/NewThread.start"));
        assertEscape("jvm_escape/SystemExit", c -> c.calls("java/lang/System.exit"));
        assertEscape("jvm_escape/NativeMethod", c -> c.nativeMethod);
        assertEscape("jvm_escape/CustomClassLoader", c -> c.superName.equals("java/lang/ClassLoader")
                && c.calls("testbed/corpus/entries/jvm_escape/CustomClassLoader.defineClass"));
        assertEscape("jvm_escape/StaticMutableState", c -> c.staticArrayField && c.opcodes.contains(Opcodes.IASTORE));
        assertEscape("jvm_escape/SynchronizedOnMemory", c -> c.opcodes.contains(Opcodes.MONITORENTER));
        assertEscape("jvm_escape/MethodReferenceStore", c -> c.opcodes.contains(Opcodes.INVOKEDYNAMIC));
    }

    private static void assertEscape(String name, Predicate<Bytecode> really) {
        CorpusEntry e = CORPUS.entry(name);
        assertThat(e.family()).isEqualTo(Family.JVM_ESCAPE);
        assertThat(really.test(Bytecode.of(e))).as("%s really contains its escape route", name).isTrue();
    }

    @Test
    void trapSwallowingEntriesReallyCatchEverything() {
        assertThat(Bytecode.of(CORPUS.entry("control/CatchTrapAndContinue")).caught).contains("java/lang/Throwable");
        assertThat(Bytecode.of(CORPUS.entry("control/FinallyThatLoops")).caught).contains("*");
        assertThat(Bytecode.of(CORPUS.entry("resource/AllocationBomb")).opcodes).contains(Opcodes.NEWARRAY, Opcodes.ANEWARRAY);
    }

    /**
     * Entries outside the JVM-escape family are expected to pass the verifier, so they may name
     * nothing but the extension API, themselves and {@code java.lang.Object}: no reflection, no
     * threads, no monitors, no {@code invokedynamic} (not even a string concatenation). A compiled
     * program may also throw and catch the exceptions of its {@code throw} and {@code try}.
     */
    @Test
    void entriesThatMustPassTheVerifierUseOnlyTheExtensionApi() {
        for (CorpusEntry e : CORPUS.entries()) {
            if (e.family() == Family.JVM_ESCAPE) {
                continue;
            }
            Bytecode code = Bytecode.of(e);
            String self = e.className().replace('.', '/');
            Set<String> exceptions = e.family() == Family.GENERATED ? PROGRAM_EXCEPTIONS : Set.of();
            assertThat(code.types).as("types named by %s", e).allMatch(t -> t.startsWith(API) || t.equals(self)
                    || t.equals("java/lang/Object") || t.length() == 1 || exceptions.contains(t));
            assertThat(code.opcodes).as("opcodes of %s", e)
                    .doesNotContain(Opcodes.INVOKEDYNAMIC, Opcodes.MONITORENTER, Opcodes.MONITOREXIT);
            assertThat(code.nativeMethod || code.staticArrayField).as("%s has native methods or static arrays", e).isFalse();
            assertThat(code.superName).as("superclass of %s", e).isEqualTo("java/lang/Object");
            assertThat(code.opcodes).as("%s touches no static field", e).doesNotContain(Opcodes.PUTSTATIC);
        }
    }
}
