package dev.loadlab.suite.report;

import java.util.Arrays;
import java.util.List;

/**
 * One figure over a cell's repeats: the median, and the range it came from. Two cells differ only
 * when their ranges do not overlap ({@link #separatedFrom}); otherwise the difference is within
 * the noise between identical runs.
 *
 * @param count how many repeats it was taken over; 0 when none had the figure
 */
record Spread(double median, double min, double max, int count) {

    static Spread of(List<Double> values) {
        double[] sorted = values.stream().filter(v -> !Double.isNaN(v)).mapToDouble(Double::doubleValue).sorted()
                .toArray();
        if (sorted.length == 0) {
            return new Spread(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        int middle = sorted.length / 2;
        double median = sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return new Spread(median, sorted[0], sorted[sorted.length - 1], sorted.length);
    }

    static Spread of(double... values) {
        return of(Arrays.stream(values).boxed().toList());
    }

    /** True when every repeat of one lies above, or below, every repeat of the other. */
    boolean separatedFrom(Spread other) {
        return count > 0 && other.count > 0 && (min > other.max || max < other.min);
    }

    /** {@code 1,389 (1,350–1,402)}: the median, then the range when there were several repeats and it is not one value. */
    String format(int decimals) {
        if (count <= 1 || Format.number(min, decimals).equals(Format.number(max, decimals))) {
            return Format.number(median, decimals);
        }
        return Format.number(median, decimals) + " (" + Format.number(min, decimals) + "–"
                + Format.number(max, decimals) + ")";
    }

    /** As {@link #format}, for fractions written as percentages. */
    String formatPercent() {
        if (count == 0) {
            return "—";
        }
        if (count == 1 || Format.percent(min).equals(Format.percent(max))) {
            return Format.percent(median);
        }
        return Format.percent(median) + " (" + Format.percent(min).replace("%", "") + "–" + Format.percent(max) + ")";
    }
}
