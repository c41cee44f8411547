package testbed.corpus;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A class-path root, a class directory or a jar, read as files: what discovery by scanning
 * needs (the corpus's entries, the fault injector's fault kinds) without loading anything.
 * Names are relative to the root and separated by {@code /}, as in a jar.
 */
public final class ClassPathRoot {
    private final Path path;

    private ClassPathRoot(Path path) {
        this.path = path;
    }

    /** The root at {@code path}: a directory, or else a jar. */
    public static ClassPathRoot at(Path path) {
        return new ClassPathRoot(path);
    }

    /**
     * The class directory or jar {@code type} was loaded from.
     *
     * @throws IllegalStateException if the class has no code source on the file system
     */
    public static ClassPathRoot of(Class<?> type) {
        CodeSource code = type.getProtectionDomain().getCodeSource();
        if (code == null || code.getLocation() == null) {
            throw new IllegalStateException(type.getName() + " has no code source");
        }
        try {
            return new ClassPathRoot(Path.of(code.getLocation().toURI()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read the code source " + code.getLocation() + ": " + e.getMessage(), e);
        }
    }

    /** The directory or jar. */
    public Path path() {
        return path;
    }

    /** Whether the root is a class directory (else a jar). */
    public boolean isDirectory() {
        return Files.isDirectory(path);
    }

    /** What one file of the root holds. */
    public interface Visitor {
        /**
         * @param name the file's name relative to the root
         * @param source where it is, for messages: a path, or {@code jar!/name}
         */
        void visit(String name, String source, byte[] bytes);
    }

    /**
     * The names of the files under the root that {@code wanted} accepts, sorted.
     *
     * @throws IOException if the root cannot be listed (a jar that is no jar: {@link java.util.zip.ZipException})
     */
    public List<String> names(Predicate<String> wanted) throws IOException {
        List<String> names = new ArrayList<>();
        if (isDirectory()) {
            for (Path file : files(wanted)) {
                names.add(name(file));
            }
        } else {
            try (ZipFile zip = new ZipFile(path.toFile())) {
                for (ZipEntry z : entries(zip, wanted)) {
                    names.add(z.getName());
                }
            }
        }
        return names;
    }

    /**
     * Reads every file under the root that {@code wanted} accepts, in name order.
     *
     * @throws IOException if the root or one of those files cannot be read
     */
    public void scan(Predicate<String> wanted, Visitor visitor) throws IOException {
        if (isDirectory()) {
            for (Path file : files(wanted)) {
                visitor.visit(name(file), file.toString(), Files.readAllBytes(file));
            }
            return;
        }
        try (ZipFile zip = new ZipFile(path.toFile())) {
            for (ZipEntry z : entries(zip, wanted)) {
                byte[] bytes;
                try (InputStream in = zip.getInputStream(z)) {
                    bytes = in.readAllBytes();
                }
                visitor.visit(z.getName(), path + "!/" + z.getName(), bytes);
            }
        }
    }

    private List<Path> files(Predicate<String> wanted) throws IOException {
        try (Stream<Path> walk = Files.walk(path)) {
            return walk.filter(p -> Files.isRegularFile(p) && wanted.test(name(p)))
                    .sorted(Comparator.comparing(Path::toString))
                    .toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static List<ZipEntry> entries(ZipFile zip, Predicate<String> wanted) {
        List<ZipEntry> files = new ArrayList<>();
        for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
            ZipEntry z = e.nextElement();
            if (!z.isDirectory() && wanted.test(z.getName())) {
                files.add(z);
            }
        }
        files.sort(Comparator.comparing(ZipEntry::getName));
        return files;
    }

    private String name(Path file) {
        return path.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }
}
