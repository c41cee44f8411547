package testbed.sandbox.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static testbed.sandbox.verify.Extensions.FILTER;
import static testbed.sandbox.verify.Extensions.nameOf;
import static testbed.sandbox.verify.Extensions.assertRejected;
import static testbed.sandbox.verify.Extensions.bytes;
import static testbed.sandbox.verify.Extensions.packetFilter;
import static testbed.sandbox.verify.Extensions.verified;

import java.util.ArrayList;
import java.util.function.IntUnaryOperator;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import testbed.kernel.api.Context;
import testbed.kernel.api.Hook;
import testbed.kernel.api.PacketFilter;
import testbed.kernel.api.ReadFilter;

/**
 * One rule per nested class: a small sample that breaks it (rejected with that rule, at the right
 * method and instruction) and a near miss that passes. Instruction indices count the method's
 * instructions from 0, as {@code javap -c} lists them.
 */
class RulesTest {

    @Nested
    class Shape {
        public static final class OneHook implements PacketFilter {
            public int filter(Context ctx, long packet, int length) {
                return length;
            }
        }

        public static final class TwoHooks implements PacketFilter, ReadFilter {
            public int filter(Context ctx, long packet, int length) {
                return length;
            }
        }

        public static final class PrivateConstructor implements PacketFilter {
            private PrivateConstructor() {
            }

            public int filter(Context ctx, long packet, int length) {
                return length;
            }
        }

        public static class Base {
        }

        public static final class ExtendsBase extends Base implements PacketFilter {
            public int filter(Context ctx, long packet, int length) {
                return length;
            }
        }

        public abstract static class Abstract implements PacketFilter {
        }

        @Test
        void everyPackageOfTheTestbedButTheExtensionsOnesIsReserved() {
            for (String tool : new String[] {"testbed/kernel/Evil", "testbed/sandbox/Evil", "testbed/sandbox/verify/Evil",
                "testbed/faults/Evil", "testbed/corpus/Evil", "testbed/reports/Evil", "testbed/cli/Evil", "testbed/bpf/Evil",
                "testbed/bench/Evil", "testbed/sfi/runtime/Evil", "testbed/added/later/Evil"}) {
                Rejection r = Extensions.rejection(packetFilter(tool, m -> {
                    m.visitInsn(Opcodes.ICONST_0);
                    m.visitInsn(Opcodes.IRETURN);
                }));
                assertThat(r.rule()).as(tool).isEqualTo(Rule.SHAPE);
                assertThat(r.detail()).as(tool).contains("is reserved for the JDK and the testbed");
            }
            for (String extension : new String[] {"testbed/corpus/entries/benign/Fine", "testbed/corpus/entries/generated/G1",
                "testbed/bpf/filters/F1", "testbed/bpf/campaign/F2", "testbed/bench/extensions/B1", "com/example/Filter"}) {
                verified(packetFilter(extension, m -> {
                    m.visitInsn(Opcodes.ICONST_0);
                    m.visitInsn(Opcodes.IRETURN);
                }));
            }
        }

        @Test
        void oneHookAndAPublicConstructorPass() {
            VerifiedClass v = verified(OneHook.class);
            assertThat(v.className()).isEqualTo(nameOf(OneHook.class));
            assertThat(v.hook()).isEqualTo(Hook.PACKET_FILTER);
        }

        @Test
        void twoHookInterfacesAreRejected() {
            assertRejected(TwoHooks.class, Rule.SHAPE, null, -1);
        }

        @Test
        void aPrivateConstructorIsRejected() {
            assertThat(assertRejected(PrivateConstructor.class, Rule.SHAPE, null, -1).detail())
                    .isEqualTo("no public no-argument constructor");
        }

        @Test
        void aSuperclassOtherThanObjectIsRejected() {
            assertThat(assertRejected(ExtendsBase.class, Rule.SHAPE, null, -1).detail())
                    .startsWith("extends " + Base.class.getName().replace('.', '/'));
        }

        @Test
        void anAbstractClassIsRejected() {
            assertRejected(Abstract.class, Rule.SHAPE, null, -1);
        }

        @Test
        void aMissingHookMethodIsRejected() {
            byte[] misnamed = packetFilter("gen/Misnamed", "filtre", cw -> { }, m -> {
                m.visitInsn(Opcodes.ICONST_0);
                m.visitInsn(Opcodes.IRETURN);
            });
            assertThat(assertRejected(misnamed, "gen.Misnamed", Rule.SHAPE, null, -1).detail())
                    .startsWith("does not implement filter" + FILTER);
        }

        @Test
        void aClassInAReservedPackageIsRejected() {
            byte[] shadow = packetFilter("testbed/kernel/api/Shadow", m -> {
                m.visitInsn(Opcodes.ICONST_0);
                m.visitInsn(Opcodes.IRETURN);
            });
            assertRejected(shadow, "testbed.kernel.api.Shadow", Rule.SHAPE, null, -1);
            verified(packetFilter("testbedish/NotShadow", m -> {
                m.visitInsn(Opcodes.ICONST_0);
                m.visitInsn(Opcodes.IRETURN);
            }));
        }
    }

    @Nested
    class Native {
        public static final class NativePeek implements PacketFilter {
            private native long peek(long address);

            public int filter(Context ctx, long packet, int length) {
                return (int) peek(packet);
            }
        }

        public static final class JavaPeek implements PacketFilter {
            private long peek(Context ctx, long address) {
                return ctx.memory().load64(address);
            }

            public int filter(Context ctx, long packet, int length) {
                return (int) peek(ctx, packet);
            }
        }

        @Test
        void aNativeMethodIsRejected() {
            assertRejected(NativePeek.class, Rule.NATIVE, "peek(J)J", -1);
        }

        @Test
        void theSameMethodInJavaPasses() {
            verified(JavaPeek.class);
        }
    }

    @Nested
    class Reflection {
        public static final class ForName implements PacketFilter {
            private static Object runtime() throws ClassNotFoundException {
                return Class.forName("java.lang.Runtime");
            }

            public int filter(Context ctx, long packet, int length) {
                try {
                    return runtime() == null ? 0 : length;
                } catch (Exception e) {
                    return 0;
                }
            }
        }

        public static final class MathAbs implements PacketFilter {
            public int filter(Context ctx, long packet, int length) {
                return Math.abs(length);
            }
        }

        public static final class GetClass implements PacketFilter {
            public int filter(Context ctx, long packet, int length) {
                return getClass() == null ? 0 : length;
            }
        }

        public static final class ClassLiteral implements PacketFilter {
            public int filter(Context ctx, long packet, int length) {
                Object type = String.class;
                return type == null ? 0 : length;
            }
        }

        @Test
        void classForNameIsRejected() {
            Rejection r = assertRejected(ForName.class, Rule.REFLECTION, "runtime()Ljava/lang/Object;", 1);
            assertThat(r.getMessage()).isEqualTo("rejected [REFLECTION] " + nameOf(ForName.class)
                    + ".runtime()Ljava/lang/Object;@1: call to java/lang/Class.forName is not allowed: reflection");
        }

        @Test
        void mathAbsPasses() {
            verified(MathAbs.class);
        }

        @Test
        void getClassIsRejected() {
            assertRejected(GetClass.class, Rule.REFLECTION, "filter" + FILTER, 1);
        }

        @Test
        void aClassLiteralIsRejected() {
            assertThat(assertRejected(ClassLiteral.class, Rule.REFLECTION, "filter" + FILTER, 0).detail())
                    .startsWith("class literal java/lang/String.class");
        }

        @Test
        void aMethodHandleConstantIsRejected() {
            byte[] handle = packetFilter("gen/HandleConstant", m -> {
                m.visitLdcInsn(new net.bytebuddy.jar.asm.Handle(Opcodes.H_INVOKESTATIC, "java/lang/System", "exit",
                        "(I)V", false));
                m.visitInsn(Opcodes.POP);
                m.visitInsn(Opcodes.ICONST_0);
                m.visitInsn(Opcodes.IRETURN);
            });
            assertRejected(handle, "gen.HandleConstant", Rule.REFLECTION, "filter" + FILTER, 0);
        }

        @Test
        void anInvokedynamicWithAnotherBootstrapIsRejected() {
            byte[] indy = packetFilter("gen/CustomBootstrap", m -> {
                m.visitInvokeDynamicInsn("run", "()I", new net.bytebuddy.jar.asm.Handle(Opcodes.H_INVOKESTATIC,
                        "gen/CustomBootstrap", "bootstrap", "()Ljava/lang/invoke/CallSite;", false));
                m.visitInsn(Opcodes.IRETURN);
            });
            assertThat(assertRejected(indy, "gen.CustomBootstrap", Rule.REFLECTION, "filter" + FILTER, 0).detail())
                    .startsWith("invokedynamic with bootstrap gen/CustomBootstrap.bootstrap");
        }
    }

    @Nested
    class Lambda {
        public static final class WithLambda implements PacketFilter {
            public int filter(Context ctx, long packet, int length) {
                IntUnaryOperator half = x -> x / 2;
                return half.applyAsInt(length);
            }
        }

        public static final class WithConcatenation implements PacketFilter {
            private String message;

            public int filter(Context ctx, long packet, int length) {
                message = "packet of " + length + " bytes at " + packet;
                return message.length();
            }
        }

        @Test
        void aLambdaIsRejected() {
            assertThat(assertRejected(WithLambda.class, Rule.LAMBDA, "filter" + FILTER, 0).detail())
                    .contains("call a named method of the extension instead");
        }

        @Test
        void javacsStringConcatenationPasses() {
            VerifiedClass v = verified(WithConcatenation.class);
            assertThat(v.method("filter", FILTER).orElseThrow().jdkAllocations()).isEqualTo(1);
        }
    }

    @Nested
    class ClassLoading {
        public static final class SystemLoader implements PacketFilter {
            public int filter(Context ctx, long packet, int length) {
                return ClassLoader.getSystemClassLoader() == null ? 0 : length;
            }
        }

        public static final class OwnInstance implements PacketFilter {
            public int filter(Context ctx, long packet, int length) {
                return length > 1 ? new OwnInstance().filter(ctx, packet, length / 2) : length;
            }
        }

        @Test
        void reachingAClassLoaderIsRejected() {
            assertRejected(SystemLoader.class, Rule.CLASS_LOADER, "filter" + FILTER, 0);
        }

        @Test
        void creatingItsOwnInstancePasses() {
            verified(OwnInstance.class);
        }
    }

    @Nested
    class Unsafe {
        public static final class WithReverseBytes implements PacketFilter {
            public int filter(Context ctx, long packet, int length) {
                return (int) Long.reverseBytes(ctx.memory().load64(packet));
            }
        }

        /** {@code sun.misc.Unsafe.getUnsafe().getByte(packet)}, generated: javac warns about internal API and cannot be told not to. */
        @Test
        void sunMiscUnsafeIsRejected() {
            byte[] unsafe = packetFilter("gen/WithUnsafe", m -> {
                m.visitMethodInsn(Opcodes.INVOKESTATIC, "sun/misc/Unsafe", "getUnsafe", "()Lsun/misc/Unsafe;", false);
                m.visitVarInsn(Opcodes.LLOAD, 2);
                m.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "sun/misc/Unsafe", "getByte", "(J)B", false);
                m.visitInsn(Opcodes.IRETURN);
            });
            assertThat(assertRejected(unsafe, "gen.WithUnsafe", Rule.UNSAFE, "filter" + FILTER, 0).detail())
                    .isEqualTo("call to sun/misc/Unsafe.getUnsafe is not allowed: JDK internals");
        }

        @Test
        void lowLevelArithmeticOnTheApiPasses() {
            verified(WithReverseBytes.class);
        }
    }

    @Nested
    class Threads {
        public static final class StartsThread implements PacketFilter {
            public int filter(Context ctx, long packet, int length) {
                new Thread().start();
                return length;
            }
        }

        public static final class Waits implements PacketFilter {
            public synchronized int filter(Context ctx, long packet, int length) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    return 0;
                }
                return length;
            }
        }

        public static final class Compares implements PacketFilter {
            public synchronized int filter(Context ctx, long packet, int length) {
                return equals(ctx) ? 0 : length;
            }
        }

        @Test
        void aNewThreadIsRejected() {
            assertThat(assertRejected(StartsThread.class, Rule.THREADS, "filter" + FILTER, 0).detail())
                    .isEqualTo("new java/lang/Thread is not allowed: threads and blocking");
        }

        @Test
        void waitIsRejected() {
            assertRejected(Waits.class, Rule.THREADS, "filter" + FILTER, 1);
        }

        @Test
        void anotherObjectMethodOnThisPasses() {
            verified(Compares.class);
        }
    }

    @Nested
    class Monitor {
        public static final class LocksParameter implements PacketFilter {
            public int filter(Context ctx, long packet, int length) {
                synchronized (ctx) {
                    return length;
                }
            }
        }

        public static final class LocksThis implements PacketFilter {
            private int seen;

            public int filter(Context ctx, long packet, int length) {
                synchronized (this) {
                    seen += length;
                    return seen;
                }
            }
        }

        public static final class StaticSynchronized implements PacketFilter {
            private static synchronized int twice(int x) {
                return 2 * x;
            }

            public int filter(Context ctx, long packet, int length) {
                return twice(length);
            }
        }

        public static final class InstanceSynchronized implements PacketFilter {
            private synchronized int twice(int x) {
                return 2 * x;
            }

            public int filter(Context ctx, long packet, int length) {
                return twice(length);
            }
        }

        @Test
        void synchronizedOnAParameterIsRejected() {
            assertRejected(LocksParameter.class, Rule.MONITOR, "filter" + FILTER, 3);
        }

        @Test
        void synchronizedOnThisIsRejectedByTheVerifierNotTheRewrite() {
            assertRejected(LocksThis.class, Rule.MONITOR, "filter" + FILTER, 3);
        }

        @Test
        void aSynchronizedStaticMethodIsRejected() {
            assertRejected(StaticSynchronized.class, Rule.MONITOR, "twice(I)I", -1);
        }

        @Test
        void aSynchronizedInstanceMethodPasses() {
            assertThat(verified(InstanceSynchronized.class).method("twice", "(I)I").orElseThrow().locksThis()).isTrue();
        }
    }

    /** What an allowed member calls back into must be allowed too. */
    @Nested
    class CallBacks {
        public static final class PrintsItself implements PacketFilter {
            public int filter(Context ctx, long packet, int length) {
                return ("seen " + this).length();
            }
        }

        public static final class PrintsTextAndNumbers implements PacketFilter {
            public int filter(Context ctx, long packet, int length) {
                return ("seen " + length + " " + Integer.toHexString(length)).length();
            }
        }

        /** {@code ("" + this).length()} as javac 17 compiles it: the receiver passed to the concatenation as it is. */
        private byte[] concatenatesItself(String name, boolean declaresToString) {
            return packetFilter(name, "filter", cw -> {
                if (declaresToString) {
                    MethodVisitor m = cw.visitMethod(Opcodes.ACC_PUBLIC, "toString", "()Ljava/lang/String;", null, null);
                    m.visitCode();
                    m.visitLdcInsn("filter");
                    m.visitInsn(Opcodes.ARETURN);
                    m.visitMaxs(0, 0);
                    m.visitEnd();
                }
            }, m -> {
                m.visitVarInsn(Opcodes.ALOAD, 0);
                m.visitInvokeDynamicInsn("makeConcatWithConstants", "(L" + name + ";)Ljava/lang/String;", CONCAT, "seen \u0001");
                m.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/String", "length", "()I", false);
                m.visitInsn(Opcodes.IRETURN);
            });
        }

        private static final Handle CONCAT = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/invoke/StringConcatFactory",
                "makeConcatWithConstants", "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;"
                + "Ljava/lang/invoke/MethodType;Ljava/lang/String;[Ljava/lang/Object;)Ljava/lang/invoke/CallSite;", false);

        public static final class PrintsAnArray implements PacketFilter {
            public int filter(Context ctx, long packet, int length) {
                return ("seen " + new int[length]).length();
            }
        }

        public static final class PrintsAnException implements PacketFilter {
            public int filter(Context ctx, long packet, int length) {
                return ("seen " + new IllegalStateException()).length();
            }
        }

        public static final class AppendsAnObject implements PacketFilter {
            public int filter(Context ctx, long packet, int length) {
                Object any = this;
                return new StringBuilder().append(any).length();
            }
        }

        public static final class ValueOfAnObject implements PacketFilter {
            public int filter(Context ctx, long packet, int length) {
                Object any = this;
                return String.valueOf(any).length();
            }
        }

        @Test
        void concatenatingAnObjectWithoutAGrantedToStringIsRejected() {
            // Newer javac converts an object with String.valueOf(Object) before the concatenation;
            // javac 17 passes it to the concatenation. Both are refused at the same instruction.
            assertRejected(PrintsItself.class, Rule.NOT_ALLOWLISTED, "filter" + FILTER, 1);
            assertRejected(PrintsAnArray.class, Rule.NOT_ALLOWLISTED, "filter" + FILTER, 2);
            assertRejected(PrintsAnException.class, Rule.NOT_ALLOWLISTED, "filter" + FILTER, 3);
            assertThat(assertRejected(concatenatesItself("gen/Printer", false), "gen.Printer", Rule.NOT_ALLOWLISTED,
                    "filter" + FILTER, 1).getMessage()).contains("calls gen/Printer.toString()");
        }

        @Test
        void concatenatingTextNumbersAndTheExtensionsOwnToStringPasses() {
            verified(PrintsTextAndNumbers.class);
            verified(concatenatesItself("gen/OwnText", true));
        }

        @Test
        void membersThatPrintAnyObjectAreNotGranted() {
            assertRejected(AppendsAnObject.class, Rule.NOT_ALLOWLISTED, "filter" + FILTER, 6);
            assertRejected(ValueOfAnObject.class, Rule.NOT_ALLOWLISTED, "filter" + FILTER, 3);
        }
    }

    @Nested
    class SystemAccess {
        public static final class Exits implements PacketFilter {
            public int filter(Context ctx, long packet, int length) {
                System.exit(1);
                return length;
            }
        }

        public static final class ReadsProperty implements PacketFilter {
            public int filter(Context ctx, long packet, int length) {
                return System.getProperty("user.home").length();
            }
        }

        public static final class Prints implements PacketFilter {
            public int filter(Context ctx, long packet, int length) {
                System.out.println(length);
                return length;
            }
        }

        public static final class CopiesArrays implements PacketFilter {
            private final int[] window = new int[16];

            public int filter(Context ctx, long packet, int length) {
                int[] copy = new int[16];
                System.arraycopy(window, 0, copy, 0, 16);
                return copy[0] + length;
            }
        }

        @Test
        void systemExitIsRejected() {
            assertRejected(Exits.class, Rule.SYSTEM, "filter" + FILTER, 1);
        }

        @Test
        void systemGetPropertyIsRejected() {
            assertRejected(ReadsProperty.class, Rule.SYSTEM, "filter" + FILTER, 1);
        }

        @Test
        void systemOutIsRejected() {
            assertThat(assertRejected(Prints.class, Rule.SYSTEM, "filter" + FILTER, 0).detail())
                    .startsWith("read of field java/lang/System.out");
        }

        @Test
        void systemArraycopyPasses() {
            verified(CopiesArrays.class);
        }
    }

    @Nested
    class Serialization {
        public static final class SerializableFilter implements PacketFilter, java.io.Serializable {
            private static final long serialVersionUID = 1L;

            public int filter(Context ctx, long packet, int length) {
                return length;
            }
        }

        public static final class ReplacesItself implements PacketFilter {
            private Object writeReplace() {
                return this;
            }

            public int filter(Context ctx, long packet, int length) {
                return writeReplace() == this ? length : 0;
            }
        }

        public static final class ReplacesNothing implements PacketFilter {
            private Object replace() {
                return this;
            }

            public int filter(Context ctx, long packet, int length) {
                return replace() == this ? length : 0;
            }
        }

        @Test
        void implementingSerializableIsRejected() {
            assertRejected(SerializableFilter.class, Rule.SERIALIZATION, null, -1);
        }

        @Test
        void inspectionTrustsWhatTheKernelNeverCalls() throws Rejection {
            // The unprotected baseline only needs a hook it can call; a second interface is the extension's own business.
            assertThat(Verifier.standard().inspect(bytes(SerializableFilter.class)).hook()).isEqualTo(Hook.PACKET_FILTER);
            assertThat(Verifier.standard().inspect(bytes(SerializableFilter.class)).verified()).isFalse();
        }

        @Test
        void aSerializationHookIsRejected() {
            assertRejected(ReplacesItself.class, Rule.SERIALIZATION, "writeReplace()Ljava/lang/Object;", -1);
        }

        @Test
        void theSameMethodUnderAnotherNamePasses() {
            verified(ReplacesNothing.class);
        }
    }

    @Nested
    class Io {
        public static final class OpensFile implements PacketFilter {
            public int filter(Context ctx, long packet, int length) {
                return new java.io.File("/etc/passwd").exists() ? 1 : 0;
            }
        }

        public static final class LogsThroughTheKernel implements PacketFilter {
            public int filter(Context ctx, long packet, int length) {
                return ctx.log(packet, length) < 0 ? 0 : length;
            }
        }

        @Test
        void aFileIsRejected() {
            assertRejected(OpensFile.class, Rule.IO, "filter" + FILTER, 0);
        }

        @Test
        void theKernelsLogPasses() {
            assertThat(verified(LogsThroughTheKernel.class).helpers()).containsExactly("log");
        }
    }

    @Nested
    class Finalizer {
        public static final class Finalizes implements PacketFilter {
            @Override
            @SuppressWarnings({"deprecation", "removal"})
            protected void finalize() {
            }

            public int filter(Context ctx, long packet, int length) {
                return length;
            }
        }

        public static final class Finishes implements PacketFilter {
            private int done;

            void finish() {
                done++;
            }

            public int filter(Context ctx, long packet, int length) {
                finish();
                return length;
            }
        }

        public static final class WeakReferences implements PacketFilter {
            public int filter(Context ctx, long packet, int length) {
                return new java.lang.ref.WeakReference<Object>(this).get() == null ? 0 : length;
            }
        }

        @Test
        void aFinalizerIsRejected() {
            assertRejected(Finalizes.class, Rule.FINALIZER, "finalize()V", -1);
        }

        @Test
        void anOrdinaryMethodPasses() {
            verified(Finishes.class);
        }

        @Test
        void referenceProcessingIsRejected() {
            assertRejected(WeakReferences.class, Rule.FINALIZER, "filter" + FILTER, 0);
        }
    }

    @Nested
    class StaticState {
        public static final class Counter implements PacketFilter {
            private static int packets;

            public int filter(Context ctx, long packet, int length) {
                return ++packets;
            }
        }

        public static final class Table implements PacketFilter {
            private static final int[] TABLE = {1, 2, 3};

            public int filter(Context ctx, long packet, int length) {
                return TABLE[length & 1];
            }
        }

        public static final class Constants implements PacketFilter {
            private static final int LIMIT = 1500;
            private static final String NAME = "mtu";
            private final int[] table = {1, 2, 3};

            public int filter(Context ctx, long packet, int length) {
                return length > LIMIT || NAME.isEmpty() ? 0 : table[length & 1];
            }
        }

        @Test
        void aStaticIntIsRejected() {
            assertThat(assertRejected(Counter.class, Rule.STATIC_STATE, null, -1).detail())
                    .startsWith("static field packets is not final");
        }

        @Test
        void aStaticFinalArrayIsRejected() {
            assertThat(assertRejected(Table.class, Rule.STATIC_STATE, null, -1).detail())
                    .startsWith("static final field TABLE of type [I is mutable");
        }

        @Test
        void staticFinalPrimitivesAndStringsAndInstanceArraysPass() {
            verified(Constants.class);
        }

        @Test
        void aWriteToAStaticFieldIsRejected() {
            byte[] writes = packetFilter("gen/WritesStatic", "filter",
                    cw -> cw.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_FINAL, "LIMIT", "I", null, 1500),
                    m -> {
                        m.visitVarInsn(Opcodes.ILOAD, 4);
                        m.visitFieldInsn(Opcodes.PUTSTATIC, "gen/WritesStatic", "LIMIT", "I");
                        m.visitInsn(Opcodes.ICONST_0);
                        m.visitInsn(Opcodes.IRETURN);
                    });
            assertRejected(writes, "gen.WritesStatic", Rule.STATIC_STATE, "filter" + FILTER, 1);
        }
    }

    @Nested
    class StaticInit {
        public static final class Computed implements PacketFilter {
            private static final int LIMIT = Integer.parseInt("1500");

            public int filter(Context ctx, long packet, int length) {
                return Math.min(length, LIMIT);
            }
        }

        public static final class Constant implements PacketFilter {
            private static final int LIMIT = 1500;

            public int filter(Context ctx, long packet, int length) {
                return Math.min(length, LIMIT);
            }
        }

        @Test
        void aStaticInitialiserIsRejected() {
            assertRejected(Computed.class, Rule.STATIC_INIT, "<clinit>()V", -1);
        }

        @Test
        void aConstantNeedsNoInitialiserAndPasses() {
            verified(Constant.class);
        }
    }

    @Nested
    class Catch {
        public static final class CatchesStackOverflow implements PacketFilter {
            private int depth(int n) {
                return n == 0 ? 0 : 1 + depth(n - 1);
            }

            public int filter(Context ctx, long packet, int length) {
                try {
                    return depth(length);
                } catch (StackOverflowError e) {
                    return 0;
                }
            }
        }

        public static final class CatchesArithmetic implements PacketFilter {
            public int filter(Context ctx, long packet, int length) {
                try {
                    return 1500 / length;
                } catch (ArithmeticException e) {
                    return 0;
                }
            }
        }

        public static final class CatchesThrowable implements PacketFilter {
            public int filter(Context ctx, long packet, int length) {
                try {
                    return 1500 / length;
                } catch (Throwable t) {
                    return 0;
                }
            }
        }

        @Test
        void catchingStackOverflowErrorIsRejected() {
            Rejection r = assertRejected(CatchesStackOverflow.class, Rule.CATCH, "filter" + FILTER, 4);
            assertThat(r.detail()).startsWith("catch of java/lang/StackOverflowError is not allowed");
        }

        @Test
        void catchingArithmeticExceptionPasses() {
            assertThat(verified(CatchesArithmetic.class).method("filter", FILTER).orElseThrow().trapHandlers()).isZero();
        }

        @Test
        void catchingThrowablePassesAndIsCountedForTheRewrite() {
            assertThat(verified(CatchesThrowable.class).method("filter", FILTER).orElseThrow().trapHandlers()).isOne();
        }
    }

    @Nested
    class HandlerLoop {
        /** {@code H: pop; S: 1/0; E:} with [S, E) handled at H: throw, catch, fall into S, throw... with no backward jump. */
        private byte[] handlerBefore(String name) {
            return packetFilter(name, m -> {
                Label handler = new Label();
                Label start = new Label();
                Label end = new Label();
                m.visitTryCatchBlock(start, end, handler, "java/lang/ArithmeticException");
                m.visitInsn(Opcodes.ACONST_NULL);
                m.visitLabel(handler);
                m.visitInsn(Opcodes.POP);
                m.visitLabel(start);
                m.visitInsn(Opcodes.ICONST_1);
                m.visitInsn(Opcodes.ICONST_0);
                m.visitInsn(Opcodes.IDIV);
                m.visitLabel(end);
                m.visitInsn(Opcodes.IRETURN);
            });
        }

        private byte[] handlerAfter(String name) {
            return packetFilter(name, m -> {
                Label handler = new Label();
                Label start = new Label();
                Label end = new Label();
                m.visitTryCatchBlock(start, end, handler, "java/lang/ArithmeticException");
                m.visitLabel(start);
                m.visitInsn(Opcodes.ICONST_1);
                m.visitInsn(Opcodes.ICONST_0);
                m.visitInsn(Opcodes.IDIV);
                m.visitLabel(end);
                m.visitInsn(Opcodes.IRETURN);
                m.visitLabel(handler);
                m.visitInsn(Opcodes.POP);
                m.visitInsn(Opcodes.ICONST_0);
                m.visitInsn(Opcodes.IRETURN);
            });
        }

        @Test
        void aHandlerBeforeTheCodeItProtectsIsRejected() {
            assertRejected(handlerBefore("gen/HandlerBefore"), "gen.HandlerBefore", Rule.HANDLER_LOOP, "filter" + FILTER, 1);
        }

        @Test
        void aHandlerAfterTheCodeItProtectsPasses() {
            verified(handlerAfter("gen/HandlerAfter"));
        }

        public static final class Finally implements PacketFilter {
            public int filter(Context ctx, long packet, int length) {
                try {
                    return length / (length & 1);
                } finally {
                    ctx.time();
                }
            }
        }

        @Test
        void javacsFinallyCleanUpHandlerPasses() {
            verified(Finally.class);
        }
    }

    @Nested
    class NotAllowlisted {
        public static final class UsesArrayList implements PacketFilter {
            public int filter(Context ctx, long packet, int length) {
                return new ArrayList<Integer>(length).size();
            }
        }

        public static final class UsesMathRandom implements PacketFilter {
            public int filter(Context ctx, long packet, int length) {
                return (int) (Math.random() * length);
            }
        }

        public static final class UsesRepeat implements PacketFilter {
            public int filter(Context ctx, long packet, int length) {
                return "x".repeat(length).length();
            }
        }

        public static final class UsesStringLength implements PacketFilter {
            public int filter(Context ctx, long packet, int length) {
                return "x".length() + length;
            }
        }

        @Test
        void aCollectionIsRejected() {
            assertThat(assertRejected(UsesArrayList.class, Rule.NOT_ALLOWLISTED, "filter" + FILTER, 0).detail())
                    .isEqualTo("new java/util/ArrayList is not allowed: not on the allowlist");
        }

        @Test
        void mathRandomIsRejectedWhereMathAbsPasses() {
            assertRejected(UsesMathRandom.class, Rule.NOT_ALLOWLISTED, "filter" + FILTER, 0);
        }

        @Test
        void stringRepeatIsRejectedWhereStringLengthPasses() {
            assertRejected(UsesRepeat.class, Rule.NOT_ALLOWLISTED, "filter" + FILTER, 2);
            verified(UsesStringLength.class);
        }
    }

    @Nested
    class JvmVerification {
        @Test
        void theSandboxReportsTheJvmsRefusalAsARejection() {
            Rejection r = Rejection.jvmVerification("com.x.Bad", new VerifyError("Bad type on operand stack"));
            assertThat(r.rule()).isEqualTo(Rule.JVM_VERIFICATION);
            assertThat(r.getMessage()).isEqualTo(
                    "rejected [JVM_VERIFICATION] com.x.Bad: java.lang.VerifyError: Bad type on operand stack");
            assertThat(r.getCause()).isInstanceOf(VerifyError.class);
        }

        @Test
        void aClassTheVerifierAcceptsIsNotReportedAsOne() {
            assertThat(verified(Shape.OneHook.class).verified()).isTrue();
        }
    }
}
