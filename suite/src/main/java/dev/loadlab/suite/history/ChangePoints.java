package dev.loadlab.suite.history;

import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Where a series of figures over the history changed level, in the manner of Apache Otava
 * (formerly Hunter): a point is a change point when a t-test on the windows either side of it
 * says their means differ and the change is at least a minimum size, so that noise is not news.
 *
 * <p>Greedily: among all points, the one whose windows differ most significantly is taken, then
 * the next among the rest, each window reaching at most {@value #MAX_WINDOW} points and never
 * across a change point already taken (so that two steps are two change points, not one blur),
 * and at least {@value #MIN_WINDOW} (to have a spread). Each point is a test; taking the best of
 * them is corrected for (Bonferroni: the p-value times the number of candidate points), so that
 * a flat noisy series is split no more often than alpha says.
 */
final class ChangePoints {
    /** Points on each side of a change point, at least. */
    static final int MIN_WINDOW = 2;
    /** Points on each side that the test looks at, at most. */
    static final int MAX_WINDOW = 5;

    /**
     * A change at {@code index}: the first point of the new level.
     *
     * @param meanBefore the mean from the previous change point (or the start) up to this one
     * @param meanAfter  the mean from this one up to the next (or the end)
     * @param pValue     the t-test's, corrected for the candidates it was chosen among
     */
    record ChangePoint(int index, double meanBefore, double meanAfter, double pValue) {
        /** The change in % of the level before. */
        double changePercent() {
            return meanBefore == 0 ? Double.NaN : (meanAfter - meanBefore) / Math.abs(meanBefore) * 100;
        }
    }

    private ChangePoints() {
    }

    /**
     * @param alpha            the significance level of each change point, e.g. 0.05
     * @param minChangePercent the smallest change of the mean, in % of the level before, that counts
     */
    static List<ChangePoint> find(double[] series, double alpha, double minChangePercent) {
        int candidates = series.length - 2 * MIN_WINDOW + 1;
        TreeSet<Integer> taken = new TreeSet<>();
        Map<Integer, Double> pValues = new HashMap<>();
        while (candidates > 0) {
            int best = -1;
            double bestP = 2;
            for (int at = MIN_WINDOW; at <= series.length - MIN_WINDOW; at++) {
                if (taken.contains(at)) {
                    continue;
                }
                int from = Math.max(at - MAX_WINDOW, floor(taken, at, 0));
                int to = Math.min(at + MAX_WINDOW, ceiling(taken, at, series.length));
                if (at - from < MIN_WINDOW || to - at < MIN_WINDOW
                        || changePercent(series, from, at, to) < minChangePercent) {
                    continue;
                }
                double p = StudentT.pValue(series, from, at, to);
                if (p < bestP) {
                    bestP = p;
                    best = at;
                }
            }
            double corrected = Math.min(1, bestP * candidates);
            if (best < 0 || corrected > alpha) {
                break;
            }
            taken.add(best);
            pValues.put(best, corrected);
        }
        List<ChangePoint> points = new ArrayList<>();
        for (int at : taken) {
            int from = floor(taken, at, 0);
            int to = ceiling(taken, at, series.length);
            points.add(new ChangePoint(at, StudentT.mean(series, from, at), StudentT.mean(series, at, to),
                    pValues.get(at)));
        }
        return points;
    }

    private static double changePercent(double[] series, int from, int at, int to) {
        double before = StudentT.mean(series, from, at);
        double after = StudentT.mean(series, at, to);
        return before == 0 ? (after == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.abs(after - before) / Math.abs(before) * 100;
    }

    /** The change point taken before {@code at}, or {@code none}. */
    private static int floor(TreeSet<Integer> taken, int at, int none) {
        Integer below = taken.lower(at);
        return below == null ? none : below;
    }

    /** The change point taken after {@code at}, or {@code none}. */
    private static int ceiling(TreeSet<Integer> taken, int at, int none) {
        Integer above = taken.higher(at);
        return above == null ? none : above;
    }
}
