package testbed.bench.wasm;

import com.dylibso.chicory.wabt.Wat2Wasm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Build step, not a benchmark: assembles every {@code .wat} file of a directory into a
 * {@code .wasm} file of the same name with wabt's {@code wat2wasm} (run as WebAssembly on Chicory,
 * so the build needs nothing but Maven Central). The bench module's pom runs it in
 * {@code process-classes}; wabt is a build-only ({@code provided}) dependency, absent at run time.
 *
 * <pre>WatAssembler SOURCE_DIR TARGET_DIR</pre>
 */
public final class WatAssembler {
    private WatAssembler() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: WatAssembler SOURCE_DIR TARGET_DIR");
        }
        Path source = Path.of(args[0]);
        Path target = Path.of(args[1]);
        Files.createDirectories(target);
        List<Path> modules;
        try (Stream<Path> files = Files.list(source)) {
            modules = files.filter(f -> f.getFileName().toString().endsWith(".wat")).sorted().collect(Collectors.toList());
        }
        if (modules.isEmpty()) {
            throw new IllegalStateException("no .wat files in " + source);
        }
        for (Path wat : modules) {
            String name = wat.getFileName().toString();
            byte[] wasm = Wat2Wasm.parse(wat.toFile());
            Files.write(target.resolve(name.substring(0, name.length() - ".wat".length()) + ".wasm"), wasm);
        }
    }
}
