package testbed.reports;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import testbed.faults.CampaignSettings;

/**
 * The campaign's cells counted along the report's axes. Axis order is the settings' order,
 * then names that only the records mention (sorted), so two renderings of the same campaign
 * read the same whatever order the trials finished in.
 */
final class Tally {
    /**
     * The unprotected baseline mode ({@code testbed.sfi.ProtectionMode.NONE}): damage in its
     * column is expected and shows the oracle is not blind. Records carry modes as names, so the
     * report matches the name rather than depend on the rewriter.
     */
    static final String UNPROTECTED = "NONE";

    final List<String> modes;
    final List<String> faults;
    final List<String> faultFamilies;
    final OutcomeCounts all = new OutcomeCounts();
    final Map<String, OutcomeCounts> byMode = new LinkedHashMap<>();
    /** fault → mode → counts. */
    final Map<String, Map<String, OutcomeCounts>> byFault = new LinkedHashMap<>();
    final Map<String, OutcomeCounts> byFaultFamily = new LinkedHashMap<>();
    /** fault → its family, as the records name it. */
    final Map<String, String> familyOf = new LinkedHashMap<>();
    /** fault family → mode → counts, for the charts that keep the unprotected mode apart. */
    final Map<String, Map<String, OutcomeCounts>> byFaultFamilyAndMode = new LinkedHashMap<>();
    /** corpus entry (sorted by name) → mode → counts. */
    final Map<String, Map<String, OutcomeCounts>> byEntry = new TreeMap<>();
    /** threat class (the corpus family of the entry) → mode → counts, families sorted. */
    final Map<String, Map<String, OutcomeCounts>> byThreat = new TreeMap<>();
    /** entry → its threat class. */
    final Map<String, String> threatOf = new TreeMap<>();

    Tally(CampaignSettings settings, TrialCounts counts) {
        Collection<TrialCounts.Cell> cells = counts.cells();
        modes = axis(settings.modes(), cells, c -> c.mode);
        faults = axis(settings.faults(), cells, c -> c.fault);
        for (TrialCounts.Cell c : cells) {
            familyOf.putIfAbsent(c.fault, c.faultFamily);
        }
        Set<String> families = new LinkedHashSet<>();
        for (String fault : faults) {
            if (familyOf.containsKey(fault)) {
                families.add(familyOf.get(fault));
            }
        }
        faultFamilies = List.copyOf(families);

        for (String mode : modes) {
            byMode.put(mode, new OutcomeCounts());
        }
        for (String fault : faults) {
            byFault.put(fault, row());
        }
        for (String family : faultFamilies) {
            byFaultFamily.put(family, new OutcomeCounts());
            byFaultFamilyAndMode.put(family, row());
        }
        for (TrialCounts.Cell c : cells) {
            all.addAll(c.outcomes);
            byMode.get(c.mode).addAll(c.outcomes);
            byFault.get(c.fault).get(c.mode).addAll(c.outcomes);
            byFaultFamily.get(familyOf.get(c.fault)).addAll(c.outcomes);
            byFaultFamilyAndMode.get(familyOf.get(c.fault)).get(c.mode).addAll(c.outcomes);
            byEntry.computeIfAbsent(c.entry, e -> row()).get(c.mode).addAll(c.outcomes);
            byThreat.computeIfAbsent(c.family, f -> row()).get(c.mode).addAll(c.outcomes);
            threatOf.putIfAbsent(c.entry, c.family);
        }
    }

    /** Whether {@code mode} is one of the protected modes (anything but {@value #UNPROTECTED}). */
    static boolean isProtected(String mode) {
        return !mode.equals(UNPROTECTED);
    }

    /** The modes that ran, less the unprotected baseline. */
    List<String> protectedModes() {
        return modes.stream().filter(Tally::isProtected).toList();
    }

    /** One row's counts pooled over the given modes. */
    static OutcomeCounts pooled(Map<String, OutcomeCounts> row, List<String> modes) {
        OutcomeCounts sum = new OutcomeCounts();
        for (String mode : modes) {
            OutcomeCounts counts = row.get(mode);
            if (counts != null) {
                sum.addAll(counts);
            }
        }
        return sum;
    }

    /** An empty count per mode, in column order. */
    private Map<String, OutcomeCounts> row() {
        Map<String, OutcomeCounts> row = new LinkedHashMap<>();
        for (String mode : modes) {
            row.put(mode, new OutcomeCounts());
        }
        return row;
    }

    private static List<String> axis(List<String> declared, Collection<TrialCounts.Cell> cells, Function<TrialCounts.Cell, String> name) {
        Set<String> axis = new LinkedHashSet<>(declared);
        Set<String> extra = new TreeSet<>();
        for (TrialCounts.Cell c : cells) {
            if (!axis.contains(name.apply(c))) {
                extra.add(name.apply(c));
            }
        }
        axis.addAll(extra);
        return List.copyOf(axis);
    }
}
