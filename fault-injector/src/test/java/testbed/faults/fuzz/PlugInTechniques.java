package testbed.faults.fuzz;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import testbed.sfi.ProtectionMode;
import testbed.sfi.Rewrite;
import testbed.technique.Technique;

/**
 * Plug-in techniques for the fuzzer's tests, packed into a jar as a user's would be: segment
 * matching that says so, the same rewrite claiming to mask, and a rewrite that confines nothing.
 */
public abstract class PlugInTechniques implements Technique {
    /** Packs these techniques' classes and their service file into {@code jar}. */
    static Path pack(Path jar) throws IOException {
        Path classes = Path.of(PlugInTechniques.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        String prefix = PlugInTechniques.class.getName().replace('.', '/');
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
                Stream<Path> all = Files.walk(classes)) {
            for (Path f : all.filter(p -> classes.relativize(p).toString().replace('\\', '/').startsWith(prefix)).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/services/" + Technique.class.getName()));
            for (Class<?> c : List.of(Checking.class, CheckingButSaysItMasks.class, Unconfined.class)) {
                out.write((c.getName() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            out.closeEntry();
        }
        return jar;
    }

    /** Segment matching and metering in one pass, the built-in {@code SFI_CHECK} rewrite. */
    @Override
    public byte[] rewrite(byte[] verifiedClass, Technique.Segment segment) {
        return Rewrite.of(ProtectionMode.SFI_CHECK).segment(new testbed.kernel.Segment(segment.base(), segment.size())).metered(true)
                .apply(verifiedClass);
    }

    @Override
    public boolean meters() {
        return true;
    }

    /** Segment matching, the built-in rewrite's, as a plug-in: traps on an address outside. */
    public static final class Checking extends PlugInTechniques {
        @Override
        public String name() {
            return "checking";
        }
    }

    /** The same rewrite, but it claims to redirect wild accesses into the segment: the fuzzer must see it trap. */
    public static final class CheckingButSaysItMasks extends PlugInTechniques {
        @Override
        public String name() {
            return "says-it-masks";
        }

        @Override
        public boolean masks() {
            return true;
        }
    }

    /** Confines nothing and does not mask: a program whose trace leaves its segment runs on. */
    public static final class Unconfined extends PlugInTechniques {
        @Override
        public String name() {
            return "unconfined";
        }

        @Override
        public byte[] rewrite(byte[] verifiedClass, Technique.Segment segment) {
            return verifiedClass;
        }

        @Override
        public boolean meters() {
            return false;
        }
    }
}
