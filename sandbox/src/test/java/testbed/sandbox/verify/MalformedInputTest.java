package testbed.sandbox.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static testbed.sandbox.verify.Extensions.nameOf;
import static testbed.sandbox.verify.Extensions.bytes;
import static testbed.sandbox.verify.Extensions.packetFilter;
import static testbed.sandbox.verify.Extensions.rejection;
import static testbed.sandbox.verify.Extensions.verified;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * Rules {@link Rule#MALFORMED} and {@link Rule#TOO_LARGE}: broken bytes of every kind are a
 * rejection, never another exception; the near misses are the intact bytes.
 */
class MalformedInputTest {
    private static final byte[] SAMPLE = bytes(RulesTest.Shape.OneHook.class);
    private static final String SAMPLE_NAME = nameOf(RulesTest.Shape.OneHook.class);

    private static Rejection malformed(byte[] bytes) {
        Rejection r = rejection(bytes);
        assertThat(r.rule()).as(r.getMessage()).isEqualTo(Rule.MALFORMED);
        assertThat(r.getMessage()).startsWith("rejected [MALFORMED] ");
        return r;
    }

    private static byte[] withU2(byte[] bytes, int offset, int value) {
        byte[] copy = bytes.clone();
        copy[offset] = (byte) (value >>> 8);
        copy[offset + 1] = (byte) value;
        return copy;
    }

    private static byte[] withU4(byte[] bytes, int offset, int value) {
        return withU2(withU2(bytes, offset, value >>> 16), offset + 2, value);
    }

    private static int indexOf(byte[] bytes, String ascii) {
        byte[] needle = ascii.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new IllegalArgumentException(ascii + " not found");
    }

    @Test
    void theIntactSamplePasses() {
        assertThat(verified(SAMPLE).className()).isEqualTo(SAMPLE_NAME);
    }

    @Test
    void emptyInputIsMalformed() {
        assertThat(malformed(new byte[0]).getMessage())
                .isEqualTo("rejected [MALFORMED] <unknown>: empty input: no class file bytes");
    }

    @Test
    void everyTruncationIsMalformed() {
        for (int length = 0; length < SAMPLE.length; length++) {
            Rejection r = malformed(Arrays.copyOf(SAMPLE, length));
            assertThat(r.instruction()).isEqualTo(-1);
        }
    }

    @Test
    void aBadMagicIsMalformed() {
        byte[] bytes = SAMPLE.clone();
        bytes[3] = (byte) 0xBF;
        assertThat(malformed(bytes).detail()).isEqualTo("bad magic 0xCAFEBABF, expected 0xCAFEBABE");
    }

    @Test
    void anUnknownConstantPoolTagIsMalformed() {
        byte[] bytes = SAMPLE.clone();
        bytes[10] = 2;
        assertThat(malformed(bytes).detail()).isEqualTo("corrupt constant pool: entry 1 has unknown tag 2");
    }

    @Test
    void aReferenceToTheWrongKindOfConstantIsMalformed() {
        int thisClass = new ClassReader(SAMPLE).header + 2;
        int superClass = thisClass + 2;
        assertThat(malformed(withU2(SAMPLE, thisClass, 0)).detail())
                .isEqualTo("corrupt constant pool: this_class refers to entry 0, which is not a Class");
        assertThat(malformed(withU2(SAMPLE, superClass, 0xFFFF)).detail())
                .startsWith("corrupt constant pool: super_class refers to entry 65535");
    }

    @Test
    void stringsThatAreNotStrictModifiedUtf8AreMalformed() {
        byte[] bytes = SAMPLE.clone();
        int at = indexOf(bytes, "filter");
        bytes[at] = (byte) 0xC1; // an overlong encoding of 'f' ...
        bytes[at + 1] = (byte) 0xA6; // ... in place of "fi": the JVM and ASM must not disagree on names
        assertThat(malformed(bytes).detail()).contains("is not modified UTF-8");
        bytes[at] = (byte) 0xF0; // four-byte forms are not modified UTF-8 either
        assertThat(malformed(bytes).detail()).contains("is not modified UTF-8");
    }

    @Test
    void versionsFromJava8ToJava25Pass() {
        verified(withU2(SAMPLE, 6, 52));
        verified(withU2(SAMPLE, 6, 69));
    }

    @Test
    void otherVersionsAreMalformed() {
        assertThat(malformed(withU2(SAMPLE, 6, 70)).detail())
                .isEqualTo("unsupported class file version 70.0: supported are 52 (Java 8) to 69 (Java 25)");
        malformed(withU2(SAMPLE, 6, 51));
        assertThat(malformed(withU2(SAMPLE, 4, 0xFFFF)).detail()).endsWith("preview features are not supported");
    }

    @Test
    void trailingBytesAreMalformed() {
        assertThat(malformed(Arrays.copyOf(SAMPLE, SAMPLE.length + 1)).detail())
                .isEqualTo("1 trailing bytes after the end of the class file");
    }

    @Test
    void anAttributeLongerThanTheFileIsMalformed() {
        ClassWriter cw = generatedWithSource();
        byte[] bytes = cw.toByteArray();
        verified(bytes);
        // The class ends with its one attribute, SourceFile: name (2), length (4), index (2).
        assertThat(malformed(withU4(bytes, bytes.length - 6, 0x7FFFFFFF)).detail())
                .startsWith("truncated class file: class attribute SourceFile claims 2147483647 bytes");
    }

    @Test
    void aCodeLengthLongerThanItsAttributeIsMalformed() {
        byte[] bytes = packetFilter("gen/Short", m -> {
            m.visitInsn(Opcodes.ICONST_0);
            m.visitInsn(Opcodes.IRETURN);
        });
        // The file ends with filter's Code: code_length (4), code (2), handlers (2), attributes (2), then no class attributes (2).
        malformed(withU4(bytes, bytes.length - 12, 0x7FFFFFFF));
        malformed(withU4(bytes, bytes.length - 12, 0));
    }

    @Test
    void annotationsNestedTooDeeplyAreMalformedAndShallowOnesPass() {
        verified(nestedAnnotations(3));
        // Deep enough to overflow a parser that recurses without a limit, allowed by the size limit.
        Rejection r = rejection(Verifier.standard().withMaxClassSize(1 << 20), nestedAnnotations(50_000));
        assertThat(r.rule()).isEqualTo(Rule.MALFORMED);
        assertThat(r.detail()).isEqualTo("annotations nested deeper than 32");
    }

    @Test
    void subroutinesAreMalformed() {
        byte[] jsr = packetFilter("gen/Subroutine", m -> {
            Label sub = new Label();
            m.visitJumpInsn(Opcodes.JSR, sub);
            m.visitInsn(Opcodes.ICONST_0);
            m.visitInsn(Opcodes.IRETURN);
            m.visitLabel(sub);
            m.visitVarInsn(Opcodes.ASTORE, 5);
            m.visitVarInsn(Opcodes.RET, 5);
        });
        Rejection r = malformed(jsr);
        assertThat(r.instruction()).isZero();
        assertThat(r.detail()).startsWith("jsr");
    }

    @Test
    void aClassOverTheSizeLimitIsTooLarge() {
        byte[] padded = Arrays.copyOf(SAMPLE, Verifier.DEFAULT_MAX_CLASS_SIZE + 1);
        Rejection r = rejection(padded);
        assertThat(r.rule()).isEqualTo(Rule.TOO_LARGE);
        assertThat(r.getMessage()).isEqualTo("rejected [TOO_LARGE] <unknown>: class file of 65537 bytes exceeds the limit of 65536 bytes");
    }

    @Test
    void aClassAtTheSizeLimitPasses() throws Rejection {
        Verifier.standard().withMaxClassSize(SAMPLE.length).verify(SAMPLE);
        assertThat(rejection(Verifier.standard().withMaxClassSize(SAMPLE.length - 1), SAMPLE).rule())
                .isEqualTo(Rule.TOO_LARGE);
    }

    private static ClassWriter generatedWithSource() {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "gen/WithSource", null, "java/lang/Object",
                new String[] {"testbed/kernel/api/PacketFilter"});
        cw.visitSource("WithSource.java", null);
        constructorAndFilter(cw);
        cw.visitEnd();
        return cw;
    }

    private static byte[] nestedAnnotations(int depth) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "gen/Nested", null, "java/lang/Object",
                new String[] {"testbed/kernel/api/PacketFilter"});
        AnnotationVisitor[] chain = new AnnotationVisitor[depth];
        chain[0] = cw.visitAnnotation("Lgen/Meta;", false);
        for (int i = 1; i < depth; i++) {
            chain[i] = chain[i - 1].visitAnnotation("inner", "Lgen/Meta;");
        }
        for (int i = depth - 1; i >= 0; i--) {
            chain[i].visitEnd();
        }
        constructorAndFilter(cw);
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static void constructorAndFilter(ClassWriter cw) {
        MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        MethodVisitor filter = cw.visitMethod(Opcodes.ACC_PUBLIC, "filter", Extensions.FILTER, null, null);
        filter.visitCode();
        filter.visitInsn(Opcodes.ICONST_0);
        filter.visitInsn(Opcodes.IRETURN);
        filter.visitMaxs(0, 0);
        filter.visitEnd();
    }
}
