package dev.loadlab.suite.history;

/** The standard normal distribution's upper tail, for the large-sample Mann-Whitney test. */
final class Normal {
    private Normal() {
    }

    /** P(Z > z) for a standard normal Z, to about 1e-7 absolute. */
    static double upperTail(double z) {
        if (z < 0) {
            return 1 - upperTail(-z);
        }
        return 0.5 * erfc(z / Math.sqrt(2));
    }

    /** The complementary error function for x >= 0 (Abramowitz and Stegun 7.1.26; error below 1.5e-7). */
    private static double erfc(double x) {
        double t = 1 / (1 + 0.3275911 * x);
        double polynomial = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027
                + t * 1.061405429))));
        return polynomial * Math.exp(-x * x);
    }
}
