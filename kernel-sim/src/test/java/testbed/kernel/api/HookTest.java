package testbed.kernel.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import testbed.kernel.Domain;
import testbed.kernel.Kernel;

/** The hook table: its rows name every hook method once, and the generic call paths agree with a direct call. */
class HookTest {

    /** Answers that show which arguments arrived, narrowed as the interface types them. */
    static final class Recording implements PacketFilter, ReadFilter, EventHandler, EvictionPolicy, LibraryOs {
        final List<String> calls = new ArrayList<>();

        @Override
        public int filter(Context ctx, long packet, int length) {
            calls.add("filter " + packet + " " + length);
            return length - 1;
        }

        @Override
        public boolean guard(Context ctx, int event, long argument) {
            calls.add("guard " + event + " " + argument);
            return event == Event.TIMER;
        }

        @Override
        public long handle(Context ctx, int event, long argument) {
            calls.add("handle " + event + " " + argument);
            return argument * 2;
        }

        @Override
        public int chooseVictim(Context ctx, long candidates, int count) {
            calls.add("chooseVictim " + candidates + " " + count);
            return count / 2;
        }

        @Override
        public void start(Context ctx) {
            calls.add("start");
        }

        @Override
        public int revoke(Context ctx, int frames) {
            calls.add("revoke " + frames);
            return -frames;
        }
    }

    static final class OnlyEviction implements EvictionPolicy {
        @Override
        public int chooseVictim(Context ctx, long candidates, int count) {
            return 0;
        }
    }

    @Test
    void everyAbstractMethodOfEveryHookInterfaceIsARowMethodWithItsOwnId() {
        Set<Integer> ids = new HashSet<>();
        for (Hook h : Hook.values()) {
            long abstractMethods = java.util.Arrays.stream(h.type().getMethods())
                    .filter(m -> java.lang.reflect.Modifier.isAbstract(m.getModifiers())).count();
            assertThat(h.methods()).hasSize((int) abstractMethods);
            assertThat(h.internalName()).isEqualTo("testbed/kernel/api/" + h.type().getSimpleName());
            assertThat(Hook.ofInternalName(h.internalName())).contains(h);
            for (Hook.Method m : h.methods()) {
                assertThat(m.hook()).isSameAs(h);
                assertThat(m.descriptor()).startsWith("(Ltestbed/kernel/api/Context;");
                assertThat(ids.add(m.id())).as("id of %s", m).isTrue();
                assertThat(Hook.method(m.id())).containsSame(m);
            }
        }
        assertThat(ids).containsExactlyInAnyOrder(java.util.stream.IntStream.rangeClosed(1, ids.size()).boxed().toArray(Integer[]::new));
        assertThat(Hook.method(0)).isEmpty();
        assertThat(Hook.method(ids.size() + 1)).isEmpty();
        assertThat(Hook.ofInternalName("testbed/kernel/api/Context")).isEmpty();
    }

    @Test
    void invokeNarrowsTheArgumentsAndWidensTheAnswer() throws Throwable {
        Recording r = new Recording();
        assertThat(method(Hook.PACKET_FILTER, "filter").invoke(r, null, 4096, (1L << 32) + 60)).isEqualTo(59);
        assertThat(method(Hook.EVENT_HANDLER, "guard").invoke(r, null, Event.TIMER, -7)).isEqualTo(1);
        assertThat(method(Hook.EVENT_HANDLER, "guard").invoke(r, null, Event.PAGE_FAULT, -7)).isZero();
        assertThat(method(Hook.EVENT_HANDLER, "handle").invoke(r, null, 1, 1L << 40)).isEqualTo(1L << 41);
        assertThat(method(Hook.LIBRARY_OS, "start").invoke(r, null, 9, 9)).isZero();
        assertThat(method(Hook.LIBRARY_OS, "revoke").invoke(r, null, 3, 99)).isEqualTo(-3);
        assertThat(r.calls).containsExactly("filter 4096 60", "guard 2 -7", "guard 3 -7", "handle 1 1099511627776", "start",
                "revoke 3");
    }

    @Test
    void aRemoteStubAnswersAsTheExtensionItForwardsTo() throws Throwable {
        Recording direct = new Recording();
        Recording behind = new Recording();
        List<Hook.Method> forwarded = new ArrayList<>();
        Hook.Remote remote = (ctx, m, a, b) -> {
            forwarded.add(m);
            try {
                return m.invoke(behind, ctx, a, b);
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
        };
        PacketFilter pf = (PacketFilter) Hook.PACKET_FILTER.remote(remote);
        ReadFilter rf = (ReadFilter) Hook.READ_FILTER.remote(remote);
        EventHandler eh = (EventHandler) Hook.EVENT_HANDLER.remote(remote);
        EvictionPolicy ep = (EvictionPolicy) Hook.EVICTION_POLICY.remote(remote);
        LibraryOs os = (LibraryOs) Hook.LIBRARY_OS.remote(remote);
        assertThat(pf.filter(null, 1, 100)).isEqualTo(direct.filter(null, 1, 100));
        assertThat(rf.filter(null, 2, 0)).isEqualTo(direct.filter(null, 2, 0));
        assertThat(eh.guard(null, Event.TIMER, 5)).isEqualTo(direct.guard(null, Event.TIMER, 5));
        assertThat(eh.guard(null, Event.PACKET_ARRIVED, 5)).isEqualTo(direct.guard(null, Event.PACKET_ARRIVED, 5));
        assertThat(eh.handle(null, 3, -1L << 50)).isEqualTo(direct.handle(null, 3, -1L << 50));
        assertThat(ep.chooseVictim(null, 64, 7)).isEqualTo(direct.chooseVictim(null, 64, 7));
        os.start(null);
        direct.start(null);
        assertThat(os.revoke(null, 4)).isEqualTo(direct.revoke(null, 4));
        assertThat(behind.calls).isEqualTo(direct.calls);
        assertThat(forwarded).extracting(Hook.Method::toString).containsExactly("PacketFilter.filter(Ltestbed/kernel/api/Context;JI)I",
                "ReadFilter.filter(Ltestbed/kernel/api/Context;JI)I", "EventHandler.guard(Ltestbed/kernel/api/Context;IJ)Z",
                "EventHandler.guard(Ltestbed/kernel/api/Context;IJ)Z", "EventHandler.handle(Ltestbed/kernel/api/Context;IJ)J",
                "EvictionPolicy.chooseVictim(Ltestbed/kernel/api/Context;JI)I", "LibraryOs.start(Ltestbed/kernel/api/Context;)V",
                "LibraryOs.revoke(Ltestbed/kernel/api/Context;I)I");
        assertThat(Hook.of(eh)).isEqualTo(Hook.EVENT_HANDLER);
        assertThat(eh.toString()).isEqualTo(remote.toString());
        assertThat(eh).isEqualTo(eh).isNotEqualTo(Hook.EVENT_HANDLER.remote(remote));
    }

    @Test
    void theMethodsGivenAWindowAreTheOnesTheKernelCopiesIntoTheWindow() {
        Map<String, Integer> bounds = new TreeMap<>();
        for (Hook h : Hook.values()) {
            for (Hook.Method m : h.methods()) {
                m.windowBound().ifPresent(b -> bounds.put(m.toString(), b));
            }
        }
        assertThat(bounds).containsExactlyInAnyOrderEntriesOf(Map.of(
                "PacketFilter.filter(Ltestbed/kernel/api/Context;JI)I", Domain.WINDOW_SIZE,
                "ReadFilter.filter(Ltestbed/kernel/api/Context;JI)I", Domain.WINDOW_SIZE,
                "EvictionPolicy.chooseVictim(Ltestbed/kernel/api/Context;JI)I", Kernel.MAX_CANDIDATES));
        // The candidates are 16-byte records, and they must fit the window they are copied into.
        assertThat(Kernel.MAX_CANDIDATES * 16).isLessThanOrEqualTo(Domain.WINDOW_SIZE);
    }

    @Test
    void ofNamesTheOneHookAnExtensionImplements() {
        assertThat(Hook.of(new OnlyEviction())).isEqualTo(Hook.EVICTION_POLICY);
        assertThatThrownBy(() -> Hook.of(new Recording())).hasMessageContaining("implements both");
        assertThatThrownBy(() -> Hook.of("text")).hasMessageContaining("implements no hook interface");
    }

    private static Hook.Method method(Hook hook, String name) {
        return hook.methods().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }
}
