package testbed.sandbox.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import testbed.kernel.Abort;
import testbed.kernel.Kernel;
import testbed.kernel.PhysicalMemory;
import testbed.kernel.Region;
import testbed.kernel.Segment;
import testbed.kernel.Trap;
import testbed.kernel.api.Event;
import testbed.kernel.oracle.Oracle;
import testbed.sandbox.Budget;
import testbed.sandbox.FaultDomain;
import testbed.sandbox.Sandbox;
import testbed.sandbox.SandboxFixture;
import testbed.sandbox.Samples;
import testbed.sfi.ProtectionMode;

/**
 * {@code PROCESS} mode end to end: the extension runs in a child JVM that maps only its segment,
 * judged by the oracle in the kernel's JVM. Each test starts one child (one sandbox).
 */
class ProcessModeTest {
    /** Enough fuel to spin until something else stops the call. */
    private static final long ENDLESS = Long.MAX_VALUE / 2;

    @Test
    void aBenignFilterGivesTheAnswersAndSegmentImageOfSfiCheck() throws Exception {
        Run process = run(ProtectionMode.PROCESS);
        Run check = run(ProtectionMode.SFI_CHECK);
        assertThat(process.answers).isEqualTo(check.answers);
        for (int d = 0; d < check.segments.size(); d++) {
            assertThat(Arrays.mismatch(process.segments.get(d), check.segments.get(d)))
                    .as("first byte where domain %d's segment differs", d).isEqualTo(-1);
        }
    }

    private record Run(List<String> answers, List<byte[]> segments) {
    }

    private static Run run(ProtectionMode mode) throws Exception {
        Kernel kernel = SandboxFixture.boot();
        kernel.snapshot();
        Oracle oracle = Oracle.watching(kernel).thorough();
        oracle.baseline();
        List<String> answers = new ArrayList<>();
        try (Sandbox sandbox = Sandbox.on(kernel, mode)) {
            FaultDomain accumulator = sandbox.load("accumulator", SandboxFixture.bytesOf(ProcessSamples.Accumulator.class),
                    SandboxFixture.spec()).attach();
            FaultDomain checksum = sandbox.load("checksum", SandboxFixture.bytesOf(Samples.EvenChecksum.class),
                    SandboxFixture.spec()).attach();
            FaultDomain reader = sandbox.load("low", SandboxFixture.bytesOf(Samples.LowBytes.class), SandboxFixture.spec()).attach();
            for (int n = 20; n < 1500; n += 61) {
                byte[] packet = new byte[n];
                for (int i = 0; i < n; i++) {
                    packet[i] = (byte) (i * 13 + n);
                }
                answers.add("rx " + n + " -> " + kernel.receive(packet));
            }
            byte[] into = new byte[(int) kernel.config().fileSize()];
            int got = kernel.read(1, 0, into, into.length, reader.domain());
            answers.add("read -> " + got + " " + Arrays.hashCode(Arrays.copyOf(into, Math.max(got, 0))));
            assertThat(oracle.judge().violations()).as("%s leaves the kernel intact", mode).isEmpty();
            assertThat(kernel.aborts()).as("%s aborts nothing", mode).isEmpty();
            List<byte[]> segments = new ArrayList<>();
            for (FaultDomain d : List.of(accumulator, checksum, reader)) {
                segments.add(image(kernel, d.domain().segment()));
            }
            return new Run(answers, segments);
        }
    }

    @Test
    void aWildStoreIsAPageFaultAndLeavesTheKernelOutsideTheSegmentUnchanged() throws Exception {
        Kernel kernel = SandboxFixture.boot();
        kernel.snapshot();
        Oracle oracle = Oracle.watching(kernel).thorough();
        try (Sandbox sandbox = Sandbox.on(kernel, ProtectionMode.PROCESS)) {
            FaultDomain d = sandbox.load("scribbler", SandboxFixture.bytesOf(Samples.Scribbler.class), SandboxFixture.spec()).attach();
            long inside = d.domain().segment().base() + 5 * PhysicalMemory.PAGE_SIZE + 8;
            long frameTable = kernel.layout().base(Region.FRAME_TABLE) + 16;
            byte[] frames = new byte[64];
            kernel.memory().peek(frameTable, frames, 0, frames.length);
            oracle.baseline();

            kernel.receive(records(inside, 0x1122334455667788L, 3, frameTable, 0xdeadL, 2));

            List<Abort> aborts = kernel.aborts();
            assertThat(aborts).hasSize(1);
            Trap trap = aborts.get(0).trap();
            assertThat(trap.kind()).isEqualTo(Trap.Kind.SEGMENT_VIOLATION);
            assertThat(trap.getMessage()).startsWith("segment violation: page fault in the extension's process: store32 at 0x"
                    + Long.toHexString(frameTable));
            assertThat(trap.location()).contains("Scribbler.filter");
            assertThat(kernel.memory().peek64(inside)).as("the store before the fault reached the segment").isEqualTo(0x1122334455667788L);
            assertThat(kernel.memory().writersOf((int) (inside >>> PhysicalMemory.PAGE_SHIFT)) & (1L << d.domain().id()))
                    .as("and is the domain's, for the monitor").isNotZero();
            byte[] after = new byte[frames.length];
            kernel.memory().peek(frameTable, after, 0, after.length);
            assertThat(after).isEqualTo(frames);
            assertThat(oracle.judge().violations()).isEmpty();
        }
    }

    @Test
    void anInfiniteLoopRunsOutOfFuelAndAnExceptionNamesWhereItWasThrown() throws Exception {
        Kernel kernel = SandboxFixture.boot();
        try (Sandbox sandbox = Sandbox.on(kernel, ProtectionMode.PROCESS)) {
            sandbox.load("spinner", SandboxFixture.bytesOf(Samples.Spinner.class), SandboxFixture.spec()).attach();
            kernel.receive(new byte[64]);
            sandbox.load("thrower", SandboxFixture.bytesOf(Samples.Thrower.class), SandboxFixture.spec()).attach();
            kernel.receive(new byte[64]);
            List<Abort> aborts = kernel.aborts();
            assertThat(aborts).extracting(a -> a.trap().kind()).containsExactly(Trap.Kind.FUEL_EXHAUSTED, Trap.Kind.UNCAUGHT_EXCEPTION);
            assertThat(aborts.get(0).trap().getMessage()).contains("budget of " + Budget.standard().fuel() + " units used up");
            assertThat(aborts.get(1).trap().getMessage()).startsWith("uncaught exception: java.lang.ArithmeticException: / by zero");
            assertThat(aborts.get(1).trap().location()).contains("Thrower.filter");
        }
    }

    @Test
    void helpersRunInTheKernelAndSeeWhatTheProcessWrote() throws Exception {
        Kernel kernel = SandboxFixture.boot();
        kernel.snapshot();
        Oracle oracle = Oracle.watching(kernel).thorough();
        oracle.baseline();
        try (Sandbox sandbox = Sandbox.on(kernel, ProtectionMode.PROCESS)) {
            FaultDomain d = sandbox.load("logger", SandboxFixture.bytesOf(ProcessSamples.Logger.class), SandboxFixture.spec()).attach();
            long logged = kernel.view().messagesLogged();
            long block = kernel.dispatch(Event.TIMER, 1);
            assertThat(block).as("the block alloc returned").isGreaterThanOrEqualTo(d.domain().heapBase());
            assertThat(kernel.view().messagesLogged()).isEqualTo(logged + 1);
            assertThat(kernel.view().logWriter(logged)).isEqualTo(d.domain().id());
            assertThat(new String(kernel.view().logMessage(logged), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("cdefghij");
            assertThat(kernel.aborts()).isEmpty();
            assertThat(oracle.judge().violations()).isEmpty();
        }
    }

    @Test
    void aLoopOfHelperCallsRunsOutOfFuelLongBeforeTheWatchdog() throws Exception {
        Kernel kernel = SandboxFixture.boot();
        try (Sandbox sandbox = Sandbox.on(kernel, ProtectionMode.PROCESS)) {
            sandbox.load("clock", SandboxFixture.bytesOf(ProcessSamples.ClockWatcher.class), SandboxFixture.spec()).attach();
            long start = System.nanoTime();
            kernel.receive(new byte[64]);
            long millis = (System.nanoTime() - start) / 1_000_000;
            Trap trap = kernel.aborts().get(0).trap();
            assertThat(trap.kind()).isEqualTo(Trap.Kind.FUEL_EXHAUSTED);
            assertThat(trap.location()).contains("ClockWatcher.filter").endsWith("calling time");
            assertThat(millis).as("at most %d round trips", Budget.standard().fuel() / ChildContext.HELPER_FUEL)
                    .isLessThan(Budget.standard().watchdog().toMillis() / 2);
        }
    }

    @Test
    void aChildKilledMidCallTrapsAndTheNextLoadStartsAnother() throws Exception {
        Kernel kernel = SandboxFixture.boot();
        kernel.snapshot();
        Oracle oracle = Oracle.watching(kernel).thorough();
        Budget endless = new Budget(ENDLESS, 1 << 20, 64, Duration.ofSeconds(60));
        try (Sandbox sandbox = Sandbox.on(kernel, ProtectionMode.PROCESS, endless)) {
            Set<Long> before = children();
            sandbox.load("spinner", SandboxFixture.bytesOf(Samples.Spinner.class), SandboxFixture.spec()).attach();
            ProcessHandle child = newChild(before);
            oracle.baseline();
            Thread killer = new Thread(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                }
                child.destroyForcibly();
            });
            killer.start();

            assertThat(kernel.receive(new byte[64])).as("the kernel's default after the abort").isEqualTo(64);
            killer.join();

            assertThat(kernel.aborts()).extracting(a -> a.trap().kind()).containsExactly(Trap.Kind.PROCESS_DIED);
            assertThat(kernel.aborts().get(0).trap().getMessage()).contains("died mid-call");
            assertThat(oracle.judge().violations()).isEmpty();

            FaultDomain next = sandbox.load("checksum", SandboxFixture.bytesOf(Samples.EvenChecksum.class), SandboxFixture.spec()).attach();
            assertThat(newChild(before).pid()).as("a new child").isNotEqualTo(child.pid());
            byte[] packet = {2, 0, 4, 0};
            assertThat(kernel.receive(packet)).isEqualTo(packet.length);
            assertThat(kernel.isAborted(next.domain())).isFalse();
        }
    }

    @Test
    void aChildThatDiedBetweenCallsIsReplacedOnTheNextLoadAndItsInstancesTrap() throws Exception {
        Kernel kernel = SandboxFixture.boot();
        try (Sandbox sandbox = Sandbox.on(kernel, ProtectionMode.PROCESS)) {
            Set<Long> before = children();
            FaultDomain old = sandbox.load("old", SandboxFixture.bytesOf(Samples.Counter.class), SandboxFixture.spec()).attach();
            assertThat(kernel.receive(new byte[64])).isEqualTo(1);
            ProcessHandle child = newChild(before);
            child.destroyForcibly();
            child.onExit().get();

            FaultDomain next = sandbox.load("next", SandboxFixture.bytesOf(ProcessSamples.Accumulator.class), SandboxFixture.spec());
            assertThat(kernel.receive(new byte[64])).as("the old domain traps; no other filter: the default").isEqualTo(64);
            assertThat(kernel.aborts()).extracting(a -> a.domain(), a -> a.trap().kind())
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(old.domain().id(), Trap.Kind.PROCESS_DIED));
            next.attach();
            assertThat(kernel.receive(new byte[] {1, 2, 3})).isBetween(0, 3);
            assertThat(kernel.isAborted(next.domain())).isFalse();
        }
    }

    @Test
    void theWatchdogKillsAProcessThatOverstaysAndTheNextLoadStartsAnother() throws Exception {
        Kernel kernel = SandboxFixture.boot();
        Budget impatient = new Budget(ENDLESS, 1 << 20, 64, Duration.ofMillis(300));
        try (Sandbox sandbox = Sandbox.on(kernel, ProtectionMode.PROCESS, impatient)) {
            sandbox.load("spinner", SandboxFixture.bytesOf(Samples.Spinner.class), SandboxFixture.spec()).attach();
            assertThat(kernel.receive(new byte[64])).isEqualTo(64);
            assertThat(kernel.aborts()).extracting(a -> a.trap().kind()).containsExactly(Trap.Kind.WATCHDOG);
            assertThat(kernel.aborts().get(0).trap().getMessage()).contains("process was killed");

            FaultDomain next = sandbox.load("counter", SandboxFixture.bytesOf(Samples.Counter.class), SandboxFixture.spec()).attach();
            assertThat(kernel.receive(new byte[64])).as("the counter's first answer").isEqualTo(1);
            assertThat(kernel.isAborted(next.domain())).isFalse();
        }
    }

    /** Scribbler records: (address, value, width code) each. */
    private static byte[] records(long a1, long v1, int w1, long a2, long v2, int w2) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(34).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(a1).putLong(v1).put((byte) w1).putLong(a2).putLong(v2).put((byte) w2);
        return b.array();
    }

    private static byte[] image(Kernel kernel, Segment segment) {
        byte[] bytes = new byte[(int) segment.size()];
        kernel.memory().peek(segment.base(), bytes, 0, bytes.length);
        return bytes;
    }

    private static Set<Long> children() {
        return ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    /** The extension process this JVM started since {@code before}. */
    private static ProcessHandle newChild(Set<Long> before) {
        return ProcessHandle.current().children()
                .filter(h -> !before.contains(h.pid()) && h.isAlive())
                .filter(h -> h.info().commandLine().orElse(ChildMain.class.getName()).contains(ChildMain.class.getName()))
                .findFirst().orElseThrow();
    }
}
