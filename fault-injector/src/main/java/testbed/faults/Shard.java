package testbed.faults;

/**
 * Which part of a campaign's plan one job runs, so that the jobs of a scheduler (a Slurm job
 * array, a Kubernetes Indexed Job) together run the whole campaign without talking to each other.
 * The plan is cut into its groups of one (entry, fault, seed) in every mode, and group {@code g}
 * falls to shard {@code g mod count}: each shard is balanced across modes as the whole plan is,
 * and which shard runs a trial depends only on its position in the plan.
 *
 * @param index this shard, {@code 0 <= index < count} (the array task id or completion index)
 * @param count how many shards the campaign is cut into; 1 for a campaign that is not sharded
 */
public record Shard(int index, int count) {
    /** The whole campaign in one piece. */
    public static final Shard WHOLE = new Shard(0, 1);

    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("shard " + index + "/" + count + " does not exist: shards are numbered 0 to count-1, and count is at least 1");
        }
    }

    /**
     * Parses {@code I/N}, e.g. {@code 3/100}.
     *
     * @throws IllegalArgumentException with a one-line message for anything else
     */
    public static Shard parse(String text) {
        String[] parts = text == null ? new String[0] : text.trim().split("/", -1);
        try {
            if (parts.length == 2) {
                return new Shard(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new IllegalArgumentException("bad shard '" + text + "' (expected I/N with 0 <= I < N, e.g. 0/4)");
    }

    /** Whether this is one part of several rather than the whole campaign. */
    public boolean isPart() {
        return count > 1;
    }

    /** Whether the trial at {@code position} of a plan over {@code modes} modes falls to this shard. */
    public boolean owns(long position, int modes) {
        return (position / modes) % count == index;
    }

    /** The first position at or after {@code position} of a plan over {@code modes} modes that falls to this shard. */
    public long next(long position, int modes) {
        if (owns(position, modes)) {
            return position;
        }
        long group = position / modes;
        long ahead = Math.floorMod(index - group, (long) count);
        return (group + ahead) * modes;
    }

    /** How many of the first {@code planned} positions of a plan over {@code modes} modes fall to this shard. */
    public long size(long planned, int modes) {
        long groups = planned / modes;
        long mine = groups / count + (groups % count > index ? 1 : 0);
        long tail = planned % modes;
        return mine * modes + (tail > 0 && groups % count == index ? tail : 0);
    }

    /** The directory name of this shard's output under a campaign's directory, sorting in shard order. */
    public String folder() {
        int width = Integer.toString(count - 1).length();
        return String.format("shard-%0" + width + "d-of-%d", index, count);
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
