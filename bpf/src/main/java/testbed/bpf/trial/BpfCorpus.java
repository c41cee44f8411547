package testbed.bpf.trial;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import testbed.bpf.CheckRule;
import testbed.bpf.FormatException;
import testbed.corpus.Outcome;

/**
 * The BPF corpus: one program file per entry, {@code .ddd} or {@code .dd} text whose {@code #}
 * lines are its header ({@link BpfEntry}), under {@value #RESOURCES} (bundled) or in any
 * directory. Discovery is by scanning: adding an entry is adding a file.
 */
public final class BpfCorpus {
    /** Where the bundled entries live on the class path. */
    public static final String RESOURCES = "testbed/bpf/corpus";
    private static final List<String> KNOWN_MODES = List.of("NONE", "SFI_MASK", "SFI_CHECK", "BOUNDS", "VERIFIED", "PROCESS");

    private BpfCorpus() {
    }

    /** The bundled entries, sorted by name. */
    public static List<BpfEntry> bundled() throws FormatException {
        URL url = BpfCorpus.class.getClassLoader().getResource(RESOURCES);
        if (url == null) {
            throw new FormatException("the bundled BPF corpus is missing: no " + RESOURCES + " on the class path");
        }
        try {
            if (url.getProtocol().equals("jar")) {
                try (FileSystem jar = FileSystems.newFileSystem(url.toURI(), Map.of())) {
                    return fromDirectory(jar.getPath(RESOURCES));
                }
            }
            return fromDirectory(Path.of(url.toURI()));
        } catch (IOException | URISyntaxException e) {
            throw new FormatException("cannot read the bundled BPF corpus at " + url + ": " + e.getMessage());
        }
    }

    /** The entries among the {@code .ddd} and {@code .dd} files of {@code directory}, sorted by name. */
    public static List<BpfEntry> fromDirectory(Path directory) throws FormatException {
        List<Path> files;
        try (Stream<Path> list = Files.list(directory)) {
            files = list.filter(p -> p.getFileName().toString().matches(".*\\.ddd?")).sorted().toList();
        } catch (IOException e) {
            throw new FormatException("cannot list " + directory + ": " + e.getMessage());
        }
        List<BpfEntry> entries = new ArrayList<>();
        for (Path file : files) {
            try {
                entries.add(parse(file.getFileName().toString(), Files.readAllBytes(file)));
            } catch (IOException e) {
                throw new FormatException("cannot read " + file + ": " + e.getMessage());
            }
        }
        return entries;
    }

    /** Reads one entry's header; the program itself is loaded (and may be refused) at trial time. */
    public static BpfEntry parse(String file, byte[] bytes) throws FormatException {
        Map<String, String> header = new HashMap<>();
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\r?\n");
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (!line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(1, colon).strip().toLowerCase(Locale.ROOT);
            if (header.put(key, line.substring(colon + 1).strip()) != null) {
                throw new FormatException(file + ": line " + (n + 1) + ": '" + key + "' given twice");
            }
        }
        for (String required : List.of("threat", "reference", "otherwise")) {
            if (header.getOrDefault(required, "").isBlank()) {
                throw new FormatException(file + ": header '# " + required + ":' missing or empty");
            }
        }
        Map<String, Outcome> expectations = new HashMap<>();
        for (String pair : header.getOrDefault("expect", "").split("\\s+")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] kv = pair.split("=", 2);
            if (kv.length != 2 || !KNOWN_MODES.contains(kv[0])) {
                throw new FormatException(file + ": expect: '" + pair + "' is not MODE=OUTCOME with a mode of " + KNOWN_MODES);
            }
            expectations.put(kv[0], outcome(file, kv[1]));
        }
        CheckRule rule = null;
        if (header.containsKey("rule")) {
            try {
                rule = CheckRule.valueOf(header.get("rule"));
            } catch (IllegalArgumentException e) {
                throw new FormatException(file + ": rule: unknown checker rule '" + header.get("rule") + "'");
            }
        }
        String base = file.substring(0, file.lastIndexOf('.'));
        return new BpfEntry("bpf/" + base, file, header.get("threat"), header.get("reference"), expectations,
                outcome(file, header.get("otherwise")), rule, bytes);
    }

    private static Outcome outcome(String file, String name) throws FormatException {
        try {
            return Outcome.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new FormatException(file + ": unknown outcome '" + name + "'");
        }
    }
}
