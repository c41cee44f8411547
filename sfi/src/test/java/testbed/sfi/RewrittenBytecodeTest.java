package testbed.sfi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.TraceClassVisitor;
import testbed.kernel.api.Memory;

/**
 * The rewritten bytecode of one sample extension, as a person reads it, compared with approved
 * golden files in {@code src/test/resources/golden/} (one per protected mode, metered;
 * {@code PROCESS} shows metering alone).
 *
 * <p>After an intended change to the rewrite, regenerate them with
 * {@code mvn -pl sfi test -Dtest=RewrittenBytecodeTest -Dsfi.golden.update=true}, read the diff,
 * and commit it with the change.
 */
class RewrittenBytecodeTest {
    /** The system property that rewrites the golden files instead of comparing with them. */
    static final String UPDATE = "sfi.golden.update";
    private static final Path GOLDEN = Path.of("src", "test", "resources", "golden");

    /** A checksum over the segment: a loop, loads, a store, a handler, an allocation, a copy. */
    public static final class Checksum implements Sample {
        @Override
        public long run(Memory memory, long address, long value, long length) {
            long sum = 0;
            for (long i = 0; i < length; i += 8) {
                sum += memory.load64(address + i);
            }
            try {
                memory.store32(address, (int) sum);
            } catch (RuntimeException e) {
                sum = -1;
            }
            long[] last = new long[] {sum, value};
            memory.copy(address + 8, address, 8);
            return last[0] + memory.load8(address + 8);
        }
    }

    @ParameterizedTest
    @EnumSource(value = ProtectionMode.class, names = {"SFI_MASK", "SFI_CHECK", "BOUNDS", "PROCESS"})
    void rewrittenBytecodeMatchesTheApprovedText(ProtectionMode mode) throws IOException {
        Rewrite rewrite = Rewrite.of(mode).segment(SampleLoader.SEGMENT).metered(true);
        String text = render(rewrite.apply(SampleLoader.bytesOf(Checksum.class)));
        Path golden = GOLDEN.resolve("Checksum." + mode + ".metered.txt");

        if (Boolean.getBoolean(UPDATE)) {
            Files.createDirectories(GOLDEN);
            Files.writeString(golden, text, StandardCharsets.UTF_8);
        }

        assertThat(golden).as("golden file (regenerate with -D%s=true)", UPDATE).exists();
        assertThat(text).as("rewritten bytecode of %s under %s; if the change is intended, regenerate with -D%s=true",
                Checksum.class.getSimpleName(), mode, UPDATE).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }

    /** The class as ASM's Textifier prints it, without debug information (line numbers, local names). */
    private static String render(byte[] classBytes) {
        StringWriter text = new StringWriter();
        new ClassReader(classBytes).accept(new TraceClassVisitor(new PrintWriter(text)), ClassReader.SKIP_DEBUG);
        return text.toString();
    }
}
