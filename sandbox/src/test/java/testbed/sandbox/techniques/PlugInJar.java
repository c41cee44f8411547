package testbed.sandbox.techniques;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import testbed.sandbox.SandboxFixture;
import testbed.technique.Technique;

/** Writes a plug-in jar as a user would build one: the technique classes and their service file. */
public final class PlugInJar {
    private PlugInJar() {
    }

    /** A jar holding {@code techniques} (and their enclosing class) named in META-INF/services; none named when {@code services} is false. */
    public static Path write(Path dir, String name, boolean services, Class<?>... techniques) throws IOException {
        Files.createDirectories(dir);
        Path jar = dir.resolve(name);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            StringBuilder list = new StringBuilder();
            java.util.Set<Class<?>> written = new java.util.HashSet<>();
            for (Class<?> t : techniques) {
                for (Class<?> c = t; c != null; c = c.getEnclosingClass()) {
                    if (written.add(c)) {
                        out.putNextEntry(new JarEntry(c.getName().replace('.', '/') + ".class"));
                        out.write(SandboxFixture.classFileOf(c));
                        out.closeEntry();
                    }
                }
                list.append(t.getName()).append('\n');
            }
            if (services) {
                out.putNextEntry(new JarEntry("META-INF/services/" + Technique.class.getName()));
                out.write(list.toString().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return jar;
    }
}
