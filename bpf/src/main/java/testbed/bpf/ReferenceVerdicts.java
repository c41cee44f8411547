package testbed.bpf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reference verdicts for a capture: tcpdump filter expressions, the classic BPF program libpcap
 * compiled for each, and libpcap's verdict for every packet of the capture. The format is the one
 * of {@code shared/bpf/filters.json}: an object with {@code capture}, {@code linktype},
 * {@code packets} and {@code filters}, each filter with {@code filter} (the expression),
 * {@code program} ({@code [code, jt, jf, k]} rows, as {@code tcpdump -ddd} prints) and
 * {@code matches} (a string of {@code 0}/{@code 1}, or an array of 0/1, one per packet in capture order).
 */
public record ReferenceVerdicts(String capture, int linkType, int packets, String reference, List<Filter> filters) {
    /** One filter: its expression, its program, and which packets libpcap accepts. */
    public record Filter(String expression, FilterProgram program, boolean[] matches) {
        public int matchCount() {
            int n = 0;
            for (boolean m : matches) {
                n += m ? 1 : 0;
            }
            return n;
        }
    }

    public ReferenceVerdicts {
        filters = List.copyOf(filters);
    }

    /**
     * Reads a verdict file.
     *
     * @throws FormatException with a one-line message naming the file and the filter at fault
     */
    public static ReferenceVerdicts read(Path file) throws FormatException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new FormatException(file + ": cannot read as JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        return parse(file.toString(), root);
    }

    /** Parses verdict-file bytes; {@code name} prefixes error messages. */
    public static ReferenceVerdicts parse(String name, byte[] json) throws FormatException {
        try {
            return parse(name, new ObjectMapper().readTree(json));
        } catch (IOException e) {
            throw new FormatException(name + ": cannot read as JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static ReferenceVerdicts parse(String name, JsonNode root) throws FormatException {
        if (root == null || !root.path("filters").isArray()) {
            throw new FormatException(name + ": expected an object with a 'filters' array");
        }
        int packets = root.path("packets").asInt(-1);
        List<Filter> filters = new ArrayList<>();
        int index = 0;
        for (JsonNode f : root.path("filters")) {
            String expression = f.path("filter").asText("filter " + index);
            String where = name + ": filter " + index + " '" + expression + "'";
            JsonNode rows = f.path("program");
            if (!rows.isArray() || rows.isEmpty()) {
                throw new FormatException(where + ": expected a non-empty 'program' array");
            }
            List<Instruction> program = new ArrayList<>();
            for (JsonNode row : rows) {
                if (!row.isArray() || row.size() != 4 || !row.get(0).canConvertToLong()) {
                    throw new FormatException(where + ": instruction " + program.size() + ": expected [code, jt, jf, k]");
                }
                try {
                    program.add(new Instruction(row.get(0).asInt(), row.get(1).asInt(), row.get(2).asInt(),
                            (int) row.get(3).asLong()));
                } catch (IllegalArgumentException e) {
                    throw new FormatException(where + ": instruction " + program.size() + ": " + e.getMessage());
                }
            }
            boolean[] matches = matches(where, f.path("matches"));
            if (packets >= 0 && matches.length != packets) {
                throw new FormatException(where + ": " + matches.length + " verdicts for " + packets + " packets");
            }
            filters.add(new Filter(expression, new FilterProgram(expression, program), matches));
            index++;
        }
        return new ReferenceVerdicts(root.path("capture").asText(""), root.path("linktype").asInt(1),
                packets, root.path("reference").asText(""), filters);
    }

    private static boolean[] matches(String where, JsonNode node) throws FormatException {
        if (node.isTextual()) {
            String s = node.asText();
            boolean[] m = new boolean[s.length()];
            for (int i = 0; i < m.length; i++) {
                char c = s.charAt(i);
                if (c != '0' && c != '1') {
                    throw new FormatException(where + ": matches: packet " + (i + 1) + ": expected 0 or 1, found '" + c + "'");
                }
                m[i] = c == '1';
            }
            return m;
        }
        if (node.isArray()) {
            boolean[] m = new boolean[node.size()];
            for (int i = 0; i < m.length; i++) {
                m[i] = node.get(i).asInt() != 0;
            }
            return m;
        }
        throw new FormatException(where + ": expected 'matches', a string or array of 0/1 per packet");
    }
}
