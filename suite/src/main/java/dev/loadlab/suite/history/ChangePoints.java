package dev.loadlab.suite.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where a series of figures over the history changed level, in the manner of Apache Otava
 * (formerly Hunter): split the series at the point where the two windows either side differ
 * most, keep the split when a t-test says the two windows' means differ and the change is at
 * least a minimum size (so that noise is not news), and look again within each part.
 *
 * <p>Each candidate split is a test; choosing the best of them is corrected for (Bonferroni: the
 * p-value times the number of candidates), so that a flat noisy series is not split more often
 * than alpha says. Each window has at least {@value #MIN_WINDOW} points, to have a spread.
 */
final class ChangePoints {
    /** Points on each side of a split, at least. */
    static final int MIN_WINDOW = 2;

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

    /** A split kept, before the means between its neighbours are known. */
    private record Split(int index, double pValue) {
    }

    private ChangePoints() {
    }

    /**
     * @param alpha            the significance level of each split, e.g. 0.05
     * @param minChangePercent the smallest change of the mean, in % of the level before, that counts
     */
    static List<ChangePoint> find(double[] series, double alpha, double minChangePercent) {
        List<Split> found = new ArrayList<>();
        split(series, 0, series.length, alpha, minChangePercent, found);
        found.sort(Comparator.comparingInt(Split::index));
        List<ChangePoint> points = new ArrayList<>();
        for (int i = 0; i < found.size(); i++) {
            int at = found.get(i).index();
            int from = i == 0 ? 0 : found.get(i - 1).index();
            int to = i == found.size() - 1 ? series.length : found.get(i + 1).index();
            points.add(new ChangePoint(at, StudentT.mean(series, from, at), StudentT.mean(series, at, to),
                    found.get(i).pValue()));
        }
        return points;
    }

    private static void split(double[] series, int from, int to, double alpha, double minChangePercent,
            List<Split> found) {
        int candidates = to - from - 2 * MIN_WINDOW + 1;
        if (candidates < 1) {
            return;
        }
        int best = -1;
        double bestP = 2;
        for (int at = from + MIN_WINDOW; at <= to - MIN_WINDOW; at++) {
            double p = StudentT.welchPValue(series, from, at, to);
            if (p < bestP) {
                bestP = p;
                best = at;
            }
        }
        double corrected = Math.min(1, bestP * candidates);
        double before = StudentT.mean(series, from, best);
        double after = StudentT.mean(series, best, to);
        double change = before == 0 ? (after == 0 ? 0 : Double.POSITIVE_INFINITY)
                : Math.abs(after - before) / Math.abs(before) * 100;
        if (corrected <= alpha && change >= minChangePercent) {
            found.add(new Split(best, corrected));
            split(series, from, best, alpha, minChangePercent, found);
            split(series, best, to, alpha, minChangePercent, found);
        }
    }
}
