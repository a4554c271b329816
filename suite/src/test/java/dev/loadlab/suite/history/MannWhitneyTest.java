package dev.loadlab.suite.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MannWhitneyTest {
    @Test
    void fullySeparatedSamplesHaveTheSmallestExactPValue() {
        MannWhitney.Result result = MannWhitney.test(new double[] {1, 2, 3, 4, 5}, new double[] {6, 7, 8, 9, 10});
        assertThat(result.exact()).isTrue();
        assertThat(result.u()).isEqualTo(0);
        assertThat(result.pValue()).isCloseTo(2.0 / 252, within(1e-12));
        assertThat(MannWhitney.smallestPValue(5, 5)).isCloseTo(2.0 / 252, within(1e-12));
    }

    @Test
    void threeAgainstThreeCannotReachFivePercent() {
        assertThat(MannWhitney.test(new double[] {1, 2, 3}, new double[] {4, 5, 6}).pValue()).isCloseTo(0.1, within(1e-12));
        assertThat(MannWhitney.smallestPValue(3, 3)).isCloseTo(0.1, within(1e-12));
        assertThat(MannWhitney.smallestPValue(4, 4)).isCloseTo(2.0 / 70, within(1e-12));
    }

    @Test
    void interleavedSamplesAreNotSignificant() {
        // Rank sum of the first: 1 + 4 + 5 + 8 = 18, its mean exactly: every split is at least as far.
        assertThat(MannWhitney.test(new double[] {1, 4, 5, 8}, new double[] {2, 3, 6, 7}).pValue()).isEqualTo(1.0);
    }

    @Test
    void identicalValuesAreEqual() {
        assertThat(MannWhitney.test(new double[] {5, 5, 5}, new double[] {5, 5, 5, 5}).pValue()).isEqualTo(1.0);
    }

    @Test
    void tiesCountHalf() {
        // Pairs (a, b) with a above b: 2 > 1 once, and 2 = 2 counts half.
        MannWhitney.Result result = MannWhitney.test(new double[] {2}, new double[] {1, 2});
        assertThat(result.u()).isEqualTo(1.5);
    }

    @Test
    void theNormalApproximationAgreesWithTheExactTestOnLargeSamples() {
        double[] a = new double[31];
        double[] b = new double[31];
        for (int i = 0; i < 31; i++) {
            a[i] = i * 1.0;
            b[i] = i * 1.0 + 6.5;
        }
        MannWhitney.Result approximate = MannWhitney.test(a, b);
        assertThat(approximate.exact()).isFalse();
        double[] a30 = java.util.Arrays.copyOf(a, 30);
        double[] b30 = java.util.Arrays.copyOf(b, 30);
        MannWhitney.Result exact = MannWhitney.test(a30, b30);
        assertThat(exact.exact()).isTrue();
        assertThat(approximate.pValue()).isBetween(0.001, 0.05);
        assertThat(exact.pValue()).isCloseTo(approximate.pValue(), within(0.005));
    }
}
