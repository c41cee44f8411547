package testbed.faults.fuzz;

/**
 * One property a program broke.
 *
 * @param property the property
 * @param mode the protection mode it broke in, or two joined by {@code +} when they disagree
 * @param detail what was seen, one line
 * @param site where, without messages: the deduplication key's tail (trap kind and location,
 *     violation kind and region, or the disagreement)
 */
public record PropertyFailure(Property property, String mode, String detail, String site) {

    /** Whether this failure is about {@code modeName}, alone or as one side of a disagreement. */
    public boolean concerns(String modeName) {
        return java.util.Arrays.asList(mode.split("\\+")).contains(modeName);
    }

    /** The deduplication key: the same property broken the same way in the same mode is one finding. */
    public String signature() {
        return property + "|" + mode + "|" + site;
    }

    @Override
    public String toString() {
        return property + " in " + mode + ": " + detail;
    }
}
