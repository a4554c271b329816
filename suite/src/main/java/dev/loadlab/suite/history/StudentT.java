package dev.loadlab.suite.history;

/**
 * Student's two-sample t-test (pooled variance), for the change points of a series: its
 * two-sided p-value from Student's t distribution, through the regularized incomplete beta
 * function {@code P(|T| > t) = I_{df / (df + t^2)}(df / 2, 1 / 2)}. Pooled rather than Welch's:
 * under the hypothesis tested (no change: one level, one noise) both windows have the same
 * variance, and the pooled test is then exact, where Welch's, with windows of two or three
 * points, rejects far more often than alpha says.
 */
final class StudentT {
    private static final double EPSILON = 1e-14;
    private static final int MAX_ITERATIONS = 500;
    private static final double[] LANCZOS = {0.99999999999980993, 676.5203681218851, -1259.1392167224028,
        771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
        9.9843695780195716e-6, 1.5056327351493116e-7};

    private StudentT() {
    }

    /**
     * The two-sided p-value that the means of {@code a[from..split)} and {@code a[split..to)}
     * are equal, each part at least 2 values. Two parts without any spread are equal (1) or
     * different (0) outright.
     */
    static double pValue(double[] a, int from, int split, int to) {
        int n1 = split - from;
        int n2 = to - split;
        double m1 = mean(a, from, split);
        double m2 = mean(a, split, to);
        double df = n1 + n2 - 2;
        double pooled = (sumOfSquares(a, from, split, m1) + sumOfSquares(a, split, to, m2)) / df;
        if (pooled == 0) {
            return m1 == m2 ? 1 : 0;
        }
        double t = (m2 - m1) / Math.sqrt(pooled * (1.0 / n1 + 1.0 / n2));
        return regularizedBeta(df / (df + t * t), df / 2, 0.5);
    }

    static double mean(double[] a, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += a[i];
        }
        return sum / (to - from);
    }

    private static double sumOfSquares(double[] a, int from, int to, double mean) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += (a[i] - mean) * (a[i] - mean);
        }
        return sum;
    }

    /** I_x(a, b), by its continued fraction (modified Lentz), on the side where it converges fast. */
    static double regularizedBeta(double x, double a, double b) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
        if (x < (a + 1) / (a + b + 2)) {
            return front * continuedFraction(x, a, b) / a;
        }
        return 1 - front * continuedFraction(1 - x, b, a) / b;
    }

    private static double continuedFraction(double x, double a, double b) {
        double tiny = 1e-300;
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.abs(d) < tiny ? tiny : d);
        double result = d;
        for (int m = 1; m <= MAX_ITERATIONS; m++) {
            int m2 = 2 * m;
            double even = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + even * d;
            c = 1 + even / c;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = Math.abs(c) < tiny ? tiny : c;
            result *= d * c;
            double odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + odd * d;
            c = 1 + odd / c;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = Math.abs(c) < tiny ? tiny : c;
            double step = d * c;
            result *= step;
            if (Math.abs(step - 1) < EPSILON) {
                break;
            }
        }
        return result;
    }

    /** ln Γ(x) for x > 0 (Lanczos, g = 7). */
    static double logGamma(double x) {
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        double z = x - 1;
        double sum = LANCZOS[0];
        for (int i = 1; i < LANCZOS.length; i++) {
            sum += LANCZOS[i] / (z + i);
        }
        double t = z + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
    }
}
