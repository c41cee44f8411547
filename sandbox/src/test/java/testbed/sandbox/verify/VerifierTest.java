package testbed.sandbox.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static testbed.sandbox.verify.Extensions.FILTER;
import static testbed.sandbox.verify.Extensions.nameOf;
import static testbed.sandbox.verify.Extensions.bytes;
import static testbed.sandbox.verify.Extensions.verified;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import org.junit.jupiter.api.Test;
import testbed.kernel.api.Context;
import testbed.kernel.api.EventHandler;
import testbed.kernel.api.Hook;
import testbed.kernel.api.Memory;
import testbed.kernel.api.PacketFilter;
import testbed.kernel.api.Status;

/** The verifier's public face: what a class that passes comes back with, and how the API behaves. */
class VerifierTest {

    /** A benign extension that uses most of what the allowlist grants. */
    public static final class Checksum implements PacketFilter {
        private static final int WORD = 4;
        private static final String TAG = "checksum";
        private final int[] histogram = new int[256];
        private long total;
        private String last = "";

        public int filter(Context ctx, long packet, int length) {
            Memory memory = ctx.memory();
            int sum = 0;
            for (int i = 0; i + WORD <= length; i += WORD) {
                sum = Integer.rotateLeft(sum, 5) ^ memory.load32(packet + i);
            }
            histogram[length & 0xFF]++;
            record(ctx, sum, length);
            try {
                return length / (sum & 1);
            } catch (ArithmeticException e) {
                return length;
            }
        }

        private synchronized void record(Context ctx, int sum, int length) {
            total += length;
            last = TAG + ":" + Integer.toHexString(sum);
            StringBuilder line = new StringBuilder("n=");
            line.append(total);
            long buffer = ctx.alloc(64);
            if (buffer >= 0) {
                try {
                    ctx.memory().store8(buffer, (byte) line.length());
                    ctx.log(buffer, 1);
                } finally {
                    ctx.free(buffer);
                }
            }
        }

        @Override
        public String toString() {
            return last;
        }
    }

    @Retention(RetentionPolicy.CLASS)
    @interface Expect {
        String mode();

        Thread.State state();
    }

    @Retention(RetentionPolicy.RUNTIME)
    @interface Entry {
        String threat();

        Expect[] expect();

        Class<?> type();
    }

    /** Annotated like a corpus entry; annotations may name anything, they never run. */
    @Entry(threat = "none", expect = {@Expect(mode = "NONE", state = Thread.State.NEW)}, type = Thread.class)
    public static final class Annotated implements EventHandler {
        @Deprecated
        private int seen;

        public boolean guard(Context ctx, int event, long argument) {
            return event == testbed.kernel.api.Event.TIMER;
        }

        public long handle(Context ctx, int event, long argument) {
            seen++;
            return seen > 10 ? Status.EBUSY : Status.OK;
        }
    }

    @Test
    void aBenignExtensionPassesWithItsFacts() {
        VerifiedClass v = verified(Checksum.class);
        assertThat(v.className()).isEqualTo(nameOf(Checksum.class));
        assertThat(v.hook()).isEqualTo(Hook.PACKET_FILTER);
        assertThat(v.verified()).isTrue();
        assertThat(v.helpers()).containsExactlyInAnyOrder("memory", "alloc", "log", "free");
        assertThat(v.methods()).extracting(VerifiedClass.MethodFacts::name)
                .containsExactly("<init>", "filter", "record", "toString");

        VerifiedClass.MethodFacts filter = v.method("filter", FILTER).orElseThrow();
        assertThat(filter.backwardJumps()).isOne();
        assertThat(filter.memoryAccesses()).isOne();
        assertThat(filter.trapHandlers()).isZero();
        assertThat(filter.locksThis()).isFalse();

        VerifiedClass.MethodFacts record = v.method("record", "(Ltestbed/kernel/api/Context;II)V").orElseThrow();
        assertThat(record.locksThis()).isTrue();
        assertThat(record.backwardJumps()).isZero();
        assertThat(record.allocations()).as("new StringBuilder").isOne();
        assertThat(record.jdkAllocations()).as("concatenation, StringBuilder(String), append").isEqualTo(3);
        assertThat(record.memoryAccesses()).as("store8").isOne();
        assertThat(record.trapHandlers()).as("finally").isPositive();
        assertThat(record.instructions()).isPositive();
    }

    @Test
    void annotationsNeverMatter() {
        VerifiedClass v = verified(Annotated.class);
        assertThat(v.hook()).isEqualTo(Hook.EVENT_HANDLER);
    }

    @Test
    void theVerifiedBytesAreACopyTheCallerCannotChange() {
        byte[] original = bytes(Checksum.class);
        byte[] mine = original.clone();
        VerifiedClass v = verified(mine);
        mine[mine.length / 2] ^= 0x5A;
        assertThat(v.bytes()).isEqualTo(original);
        v.bytes()[0] = 0;
        assertThat(v.bytes()).isEqualTo(original);
    }

    @Test
    void inspectChecksOnlyTheClassFileAndTheShape() throws Rejection {
        byte[] exits = bytes(RulesTest.SystemAccess.Exits.class);
        assertThat(Extensions.rejection(exits).rule()).isEqualTo(Rule.SYSTEM);
        VerifiedClass inspected = Verifier.standard().inspect(exits);
        assertThat(inspected.verified()).isFalse();
        assertThat(inspected.hook()).isEqualTo(Hook.PACKET_FILTER);
        assertThatThrownBy(() -> Verifier.standard().inspect(new byte[] {(byte) 0xCA, (byte) 0xFE}))
                .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.rule()).isEqualTo(Rule.MALFORMED));
    }

    @Test
    void theSizeLimitIsAnOption() {
        assertThat(Verifier.standard().maxClassSize()).isEqualTo(Verifier.DEFAULT_MAX_CLASS_SIZE).isEqualTo(65536);
        assertThat(Verifier.standard().withMaxClassSize(100).maxClassSize()).isEqualTo(100);
        assertThatThrownBy(() -> Verifier.standard().withMaxClassSize(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectionsAreTypedValues() {
        Rejection r = Rejection.shape("com.x.Filter", "no public no-argument constructor");
        assertThat(r.rule()).isEqualTo(Rule.SHAPE);
        assertThat(r.className()).isEqualTo("com.x.Filter");
        assertThat(r.methodName()).isEmpty();
        assertThat(r.instruction()).isEqualTo(-1);
        assertThat(r.detail()).isEqualTo("no public no-argument constructor");
        assertThat(r.getMessage()).isEqualTo("rejected [SHAPE] com.x.Filter: no public no-argument constructor");
        assertThat(r.getStackTrace()).as("rejections are cheap: no stack trace").isEmpty();
    }

    @Test
    void everyRuleSaysWhatItForbids() {
        for (Rule rule : Rule.values()) {
            assertThat(rule.reason()).as(rule.name()).isNotBlank();
        }
    }
}
