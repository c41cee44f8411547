package testbed.faults;

import java.util.regex.Pattern;

/**
 * The tuple that determines a trial: the same tuple always gives the same outcome. Its text
 * form is the trial's id and all {@code testbed replay} needs: {@code entry~fault~mode~seed},
 * e.g. {@code memory/WildStoreFrameTable~bit-flip-constant~SFI_MASK~42}. A fuzz run's trials
 * name a generated program instead of a corpus entry ({@code testbed.faults.fuzz.GeneratedTrial}).
 *
 * @param entry corpus entry name
 * @param fault fault kind name, {@code none} for the unmodified entry
 * @param mode name of the protection mode or plug-in technique
 * @param seed seed of every random choice the trial makes
 */
public record TrialId(String entry, String fault, String mode, long seed) {
    private static final Pattern FORM = Pattern.compile("[^~\\s]+~[^~\\s]+~[A-Za-z][A-Za-z0-9_-]*~-?\\d+");

    public TrialId {
        if (entry.isEmpty() || entry.contains("~") || fault.isEmpty() || fault.contains("~") || mode.isEmpty()) {
            throw new IllegalArgumentException("bad trial id parts: " + entry + ", " + fault + ", " + mode);
        }
    }

    /** Parses the text form; a clear one-line message on anything else. */
    public static TrialId parse(String text) {
        if (text == null || !FORM.matcher(text).matches()) {
            throw new IllegalArgumentException("not a trial id: '" + text + "' (expected entry~fault~MODE~seed, as printed in a report)");
        }
        String[] p = text.split("~");
        return new TrialId(p[0], p[1], p[2], Long.parseLong(p[3]));
    }

    @Override
    public String toString() {
        return entry + "~" + fault + "~" + mode + "~" + seed;
    }
}
