package testbed.reports.stats;

import java.util.ArrayList;
import java.util.List;

/**
 * The measurements of one configuration, grouped as they were taken: one row per fork (a JVM of
 * its own) or round, one value per iteration. Keeping the groups apart is what lets the bootstrap
 * see how much forks differ from each other, which iterations inside one fork never show.
 */
public final class Samples {
    private final double[][] groups;

    private Samples(double[][] groups) {
        if (groups.length == 0) {
            throw new IllegalArgumentException("samples need at least one group");
        }
        for (double[] g : groups) {
            if (g.length == 0) {
                throw new IllegalArgumentException("every group needs at least one sample");
            }
            for (double v : g) {
                if (!(v > 0) || Double.isInfinite(v)) {
                    throw new IllegalArgumentException("samples must be positive and finite, got " + v);
                }
            }
        }
        this.groups = groups;
    }

    /** Samples in groups (forks or rounds) of iterations; copied. */
    public static Samples of(double[][] groups) {
        double[][] copy = new double[groups.length][];
        for (int i = 0; i < groups.length; i++) {
            copy[i] = groups[i].clone();
        }
        return new Samples(copy);
    }

    /** Samples from lists, as JMH's {@code rawData} holds them. */
    public static Samples ofLists(List<List<Double>> groups) {
        double[][] a = new double[groups.size()][];
        for (int i = 0; i < a.length; i++) {
            a[i] = groups.get(i).stream().mapToDouble(Double::doubleValue).toArray();
        }
        return new Samples(a);
    }

    /** Number of groups (forks or rounds). */
    public int groups() {
        return groups.length;
    }

    /** The mean of every sample, each group weighted by its size. */
    public double mean() {
        double sum = 0;
        int n = 0;
        for (double[] g : groups) {
            for (double v : g) {
                sum += v;
                n++;
            }
        }
        return sum / n;
    }

    double[] group(int i) {
        return groups[i];
    }

    /** The groups as lists, for a JSON record. */
    public List<List<Double>> asLists() {
        List<List<Double>> out = new ArrayList<>();
        for (double[] g : groups) {
            List<Double> row = new ArrayList<>(g.length);
            for (double v : g) {
                row.add(v);
            }
            out.add(row);
        }
        return out;
    }
}
