package dev.loadlab.suite.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.loadlab.suite.history.ChangePoints.ChangePoint;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChangePointsTest {
    @Test
    void aStepInTheSeriesIsOneChangePointAtItsFirstNewValue() {
        double[] series = {100, 102, 99, 101, 100, 130, 131, 129, 132, 130};
        List<ChangePoint> points = ChangePoints.find(series, 0.05, 5);
        assertThat(points).singleElement().satisfies(point -> {
            assertThat(point.index()).isEqualTo(5);
            assertThat(point.meanBefore()).isCloseTo(100.4, within(1e-9));
            assertThat(point.meanAfter()).isCloseTo(130.4, within(1e-9));
            assertThat(point.changePercent()).isCloseTo(29.88, within(0.01));
        });
    }

    @Test
    void twoStepsAreTwoChangePoints() {
        double[] series = {50, 51, 49, 50, 80, 81, 79, 80, 40, 41, 39, 40};
        assertThat(ChangePoints.find(series, 0.05, 5)).extracting(ChangePoint::index).containsExactly(4, 8);
    }

    @Test
    void aStepSmallerThanTheMinimumChangeIsNoChangePoint() {
        double[] series = {100, 100.1, 99.9, 100, 102, 102.1, 101.9, 102};
        assertThat(ChangePoints.find(series, 0.05, 5)).isEmpty();
        assertThat(ChangePoints.find(series, 0.05, 1)).extracting(ChangePoint::index).containsExactly(4);
    }

    @Test
    void noiseWithoutAStepIsNoChangePoint() {
        Random random = new Random(42);
        int splits = 0;
        for (int trial = 0; trial < 1000; trial++) {
            double[] series = new double[20];
            for (int i = 0; i < series.length; i++) {
                series[i] = 100 + random.nextGaussian() * 10;
            }
            splits += ChangePoints.find(series, 0.05, 5).isEmpty() ? 0 : 1;
        }
        // Bonferroni bounds the share at alpha (5%, 50 of 1000); uncorrected (17 tests a series), far more would split.
        assertThat(splits).as("flat series split, of 1000").isLessThanOrEqualTo(75);
    }

    @Test
    void studentsTMatchesKnownValues() {
        // t = 3 with 10 degrees of freedom: two-sided p = 0.01334 (Student's t table).
        assertThat(StudentT.regularizedBeta(10.0 / (10 + 9), 5, 0.5)).isCloseTo(0.013344, within(1e-5));
        // ln Γ(5) = ln 24.
        assertThat(StudentT.logGamma(5)).isCloseTo(Math.log(24), within(1e-12));
    }
}
