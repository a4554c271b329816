package dev.loadlab.suite.history;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The two-sided Mann-Whitney U test (Wilcoxon's rank-sum test): do two sets of repeats come from
 * the same distribution, or does one tend to lie above the other? It needs no assumption about
 * the shape of the noise, only that repeats are independent, which suits benchmark figures (a few
 * repeats, skewed, with outliers).
 *
 * <p>Ties get the mean of the ranks they span. Up to {@value #EXACT_UP_TO} values in all the
 * p-value is exact: the share of all ways to split the pooled ranks into groups of these sizes
 * whose rank sum lies at least as far from its mean as the observed one (with ties, the exact
 * conditional distribution). Beyond, the normal approximation with the tie correction of the
 * variance and a continuity correction.
 */
final class MannWhitney {
    /** Largest total sample size whose p-value is computed exactly. */
    static final int EXACT_UP_TO = 60;

    /**
     * @param u      U of the first sample: the pairs (a, b) with a above b, ties counted half
     * @param pValue two-sided
     */
    record Result(double u, double pValue, boolean exact) {
    }

    private MannWhitney() {
    }

    static Result test(double[] first, double[] second) {
        int n1 = first.length;
        int n2 = second.length;
        if (n1 == 0 || n2 == 0) {
            throw new IllegalArgumentException("both samples need at least one value, got " + n1 + " and " + n2);
        }
        int n = n1 + n2;
        double[] pooled = new double[n];
        System.arraycopy(first, 0, pooled, 0, n1);
        System.arraycopy(second, 0, pooled, n1, n2);
        Integer[] order = IntStream.range(0, n).boxed().sorted(Comparator.comparingDouble(i -> pooled[i]))
                .toArray(Integer[]::new);
        // Twice each value's mid-rank, an integer: positions first..last (from 0) share rank (first+last)/2 + 1.
        int[] doubledRank = new int[n];
        double tieTerm = 0;
        for (int first0 = 0; first0 < n; ) {
            int last = first0;
            while (last + 1 < n && pooled[order[last + 1]] == pooled[order[first0]]) {
                last++;
            }
            for (int k = first0; k <= last; k++) {
                doubledRank[order[k]] = first0 + last + 2;
            }
            double t = last - first0 + 1;
            tieTerm += t * t * t - t;
            first0 = last + 1;
        }
        long observed = 0;
        for (int i = 0; i < n1; i++) {
            observed += doubledRank[i];
        }
        double u = observed / 2.0 - n1 * (n1 + 1) / 2.0;
        long doubledMean = (long) n1 * (n + 1);
        if (n <= EXACT_UP_TO) {
            return new Result(u, exactPValue(doubledRank, n1, Math.abs(observed - doubledMean), doubledMean), true);
        }
        double mean = n1 * (double) n2 / 2;
        double variance = n1 * (double) n2 / 12 * ((n + 1) - tieTerm / ((double) n * (n - 1)));
        if (variance <= 0) {
            return new Result(u, 1, false);
        }
        double z = Math.max(0, Math.abs(u - mean) - 0.5) / Math.sqrt(variance);
        return new Result(u, Math.min(1, 2 * Normal.upperTail(z)), false);
    }

    /**
     * The smallest two-sided p-value samples of these sizes can reach (completely separated, no
     * ties): {@code 2 / C(n1 + n2, n1)}. When it exceeds alpha the test can never reject, whatever
     * the figures: too few repeats.
     */
    static double smallestPValue(int n1, int n2) {
        if (n1 == 0 || n2 == 0) {
            return 1;
        }
        double splits = 1;
        for (int k = 1; k <= Math.min(n1, n2); k++) {
            splits = splits * (n1 + n2 - Math.min(n1, n2) + k) / k;
        }
        return Math.min(1, 2 / splits);
    }

    /** Counts the subsets of size {@code n1} of the doubled ranks by their sum (dynamic programming). */
    private static double exactPValue(int[] doubledRank, int n1, long observedDistance, long doubledMean) {
        int maxSum = Arrays.stream(doubledRank).sum();
        long[][] ways = new long[n1 + 1][maxSum + 1];
        ways[0][0] = 1;
        for (int rank : doubledRank) {
            for (int k = n1; k >= 1; k--) {
                long[] fewer = ways[k - 1];
                long[] these = ways[k];
                for (int s = maxSum; s >= rank; s--) {
                    these[s] += fewer[s - rank];
                }
            }
        }
        double total = 0;
        double atLeastAsFar = 0;
        for (int s = 0; s <= maxSum; s++) {
            long count = ways[n1][s];
            total += count;
            if (Math.abs(s - doubledMean) >= observedDistance) {
                atLeastAsFar += count;
            }
        }
        return Math.min(1, atLeastAsFar / total);
    }
}
