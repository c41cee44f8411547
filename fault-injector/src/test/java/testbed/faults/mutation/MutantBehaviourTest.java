package testbed.faults.mutation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import testbed.corpus.CorpusEntry;
import testbed.kernel.api.Event;
import testbed.kernel.api.EventHandler;
import testbed.kernel.api.LibraryOs;
import testbed.kernel.api.PacketFilter;

/** Mutants do at run time what their site description says, on a stand-in kernel. */
class MutantBehaviourTest {
    private static final long PACKET = FakeKernel.BASE + 256;

    /** An Ethernet frame carrying IPv4 UDP, 60 bytes. */
    private static byte[] udpFrame() {
        byte[] frame = new byte[60];
        frame[12] = 0x08;
        frame[14] = 0x45;
        frame[23] = 17;
        return frame;
    }

    private static <T> T instantiate(CorpusEntry entry, byte[] bytes, Class<T> hook) throws ReflectiveOperationException {
        return hook.cast(Mutants.link(entry.className(), bytes).getConstructor().newInstance());
    }

    private static FakeKernel runFilter(CorpusEntry entry, byte[] bytes) throws ReflectiveOperationException {
        FakeKernel kernel = new FakeKernel();
        kernel.write(PACKET, udpFrame());
        instantiate(entry, bytes, PacketFilter.class).filter(kernel, PACKET, 60);
        return kernel;
    }

    @Test
    void aCorruptedAddressDiffersFromTheOriginalAccessByTheReportedAmount() throws Exception {
        CorpusEntry entry = Mutants.entry("benign/HeaderFieldPacketFilter");
        List<Long> original = runFilter(entry, entry.classBytes()).addresses;
        int flips = 0;
        int offsets = 0;
        for (long seed = 0; seed < 40; seed++) {
            Mutant m = Mutants.kind("corrupt-address").mutate(entry.classBytes(), seed);
            List<Long> mutated = runFilter(entry, m.classBytes()).addresses;
            int i = 0;
            while (i < original.size() && i < mutated.size() && original.get(i).equals(mutated.get(i))) {
                i++;
            }
            assertThat(i).as("seed %d, %s: some access differs", seed, m).isLessThan(mutated.size());
            long was = original.get(i);
            long now = mutated.get(i);
            String change = m.site().orElseThrow().change();
            if (change.contains("^=")) {
                flips++;
                assertThat(was ^ now).as(change).isEqualTo(Long.parseLong(change.substring(change.indexOf("0x") + 2), 16));
                assertThat(Long.bitCount(was ^ now)).isEqualTo(1);
            } else {
                offsets++;
                long amount = Long.parseLong(change.substring(change.lastIndexOf(' ') + 1));
                assertThat(now - was).as(change).isEqualTo(change.contains("+=") ? amount : -amount);
            }
        }
        assertThat(flips).isPositive();
        assertThat(offsets).isPositive();
    }

    @Test
    void anInjectedExceptionIsThrownWhereTheSiteIsReached() throws Exception {
        CorpusEntry entry = Mutants.entry("benign/EchoPacketFilter");
        int inFilter = 0;
        for (long seed = 0; seed < 20; seed++) {
            Mutant m = Mutants.kind("inject-exception").mutate(entry.classBytes(), seed);
            Mutant.Site site = m.site().orElseThrow();
            if (site.method().equals("filter")) {
                inFilter++;
                PacketFilter filter = instantiate(entry, m.classBytes(), PacketFilter.class);
                assertThatThrownBy(() -> filter.filter(new FakeKernel(), PACKET, 60))
                        .isExactlyInstanceOf(RuntimeException.class)
                        .hasMessage(InjectedException.MESSAGE + " at " + site);
            } else {
                assertThat(site.method()).isEqualTo("<init>");
                assertThatThrownBy(() -> instantiate(entry, m.classBytes(), PacketFilter.class))
                        .isInstanceOf(InvocationTargetException.class)
                        .cause().hasMessageStartingWith(InjectedException.MESSAGE);
            }
        }
        assertThat(inFilter).isPositive();
    }

    @Test
    void anInjectedLoopCallsAMethodThatJumpsToItself() {
        CorpusEntry entry = Mutants.entry("benign/LruEvictionPolicy");
        for (long seed = 0; seed < 20; seed++) {
            Mutant m = Mutants.kind("inject-infinite-loop").mutate(entry.classBytes(), seed);
            Map<String, List<String>> methods = Mutants.instructions(m.classBytes());
            Mutant.Site site = m.site().orElseThrow();
            String helper = methods.keySet().stream().filter(k -> k.startsWith("injectedFault$spin")).findFirst().orElseThrow();
            assertThat(methods.get(helper)).containsExactly("GOTO L0");
            assertThat(methods.get(site.method() + site.descriptor()).get(site.instruction()))
                    .isEqualTo("INVOKESTATIC " + entry.className().replace('.', '/') + "." + helper);
        }
    }

    @Test
    void aRemovedLockReleaseLeavesTheLockTaken() throws Exception {
        CorpusEntry entry = Mutants.entry("benign/LockPairingEventHandler");
        FakeKernel clean = new FakeKernel();
        instantiate(entry, entry.classBytes(), EventHandler.class).handle(clean, Event.TIMER, 0);
        assertThat(clean.calls).contains("lock(0)", "unlock(0)");

        Mutant m = Mutants.kind("remove-lock-release").mutate(entry.classBytes(), 0);
        FakeKernel faulty = new FakeKernel();
        long ticks = instantiate(entry, m.classBytes(), EventHandler.class).handle(faulty, Event.TIMER, 0);
        assertThat(ticks).isEqualTo(1);
        assertThat(faulty.calls).contains("lock(0)").noneMatch(c -> c.startsWith("unlock"));
    }

    @Test
    void aDeletedCallIsNotMadeAndItsResultIsZero() throws Exception {
        CorpusEntry entry = Mutants.entry("benign/EchoPacketFilter");
        Mutant m = Mutants.kind("delete-call").mutate(entry.classBytes(), 0);
        assertThat(m.site().orElseThrow().change()).isEqualTo("deleted Context.sendPacket, result 0");
        FakeKernel kernel = new FakeKernel();
        int delivered = instantiate(entry, m.classBytes(), PacketFilter.class).filter(kernel, PACKET, 60);
        assertThat(delivered).isEqualTo(60);
        assertThat(kernel.calls).isEmpty();
    }

    @Test
    void anInvertedBranchTakesTheOtherWay() throws Exception {
        CorpusEntry entry = Mutants.entry("benign/EchoPacketFilter");
        Mutant m = Mutants.kind("invert-branch").mutate(entry.classBytes(), 0);
        FakeKernel kernel = new FakeKernel();
        instantiate(entry, m.classBytes(), PacketFilter.class).filter(kernel, PACKET, 60);
        assertThat(kernel.calls).as("the length > 0 test now skips the echo").isEmpty();
    }

    @Test
    void anUninitialisedFieldIsNullInTheConstructedObject() throws Exception {
        CorpusEntry entry = Mutants.entry("benign/FrameBindingLibraryOs");
        Mutant m = null;
        for (long seed = 0; m == null || !m.site().orElseThrow().method().equals("<init>"); seed++) {
            m = Mutants.kind("uninitialised-variable").mutate(entry.classBytes(), seed);
        }
        assertThat(m.site().orElseThrow().change()).isEqualTo("field frames initialised to null");
        LibraryOs os = instantiate(entry, m.classBytes(), LibraryOs.class);
        assertThatThrownBy(() -> os.start(new FakeKernel())).isInstanceOf(NullPointerException.class);
    }
}
