package testbed.reports;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import testbed.faults.CampaignSettings;
import testbed.faults.TrialRecord;

/**
 * The campaign's records counted along the report's axes. Axis order is the settings' order,
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

    Tally(CampaignSettings settings, List<TrialRecord> records) {
        modes = axis(settings.modes(), records, TrialRecord::mode);
        faults = axis(settings.faults(), records, TrialRecord::fault);
        for (TrialRecord r : records) {
            familyOf.putIfAbsent(r.fault(), r.faultFamily());
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
            Map<String, OutcomeCounts> row = new LinkedHashMap<>();
            for (String mode : modes) {
                row.put(mode, new OutcomeCounts());
            }
            byFault.put(fault, row);
        }
        for (String family : faultFamilies) {
            byFaultFamily.put(family, new OutcomeCounts());
        }
        for (TrialRecord r : records) {
            all.add(r);
            byMode.get(r.mode()).add(r);
            byFault.get(r.fault()).get(r.mode()).add(r);
            byFaultFamily.get(familyOf.get(r.fault())).add(r);
        }
    }

    private static List<String> axis(List<String> declared, List<TrialRecord> records, Function<TrialRecord, String> name) {
        Set<String> axis = new LinkedHashSet<>(declared);
        Set<String> extra = new TreeSet<>();
        for (TrialRecord r : records) {
            if (!axis.contains(name.apply(r))) {
                extra.add(name.apply(r));
            }
        }
        axis.addAll(extra);
        return List.copyOf(axis);
    }
}
