package dev.loadlab.suite.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadlab.suite.SyntheticSuites;
import dev.loadlab.suite.history.Comparison.Row;
import dev.loadlab.suite.history.Comparison.Verdict;
import dev.loadlab.suite.SyntheticSuites.CellSpec;
import dev.loadlab.suite.SyntheticSuites.Figures;
import dev.loadlab.suite.results.SuiteResults;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Verdicts on synthetic repeats built equal, clearly faster and clearly slower. */
class ComparisonTest {
    private static final double ALPHA = 0.05;
    private static final double MIN_CHANGE = 5;

    private static List<CellRun> suite(List<Figures> repeats) {
        return SyntheticSuites.runs(List.of(new CellSpec("async", "lifo", 1.2, repeats))).stream()
                .map(run -> CellRun.of(RunColumns.values(new SuiteResults.Run(run.record(), run.result())))).toList();
    }

    private static Row row(Comparison comparison, Figure figure) {
        return comparison.rows().stream().filter(r -> r.figure() == figure).findFirst().orElseThrow();
    }

    @Test
    void equalRepeatsAreWithinNoise() {
        Comparison comparison = Comparison.of(suite(SyntheticSuites.around(950, 40, 5)),
                suite(SyntheticSuites.around(950, 40, 5)), ALPHA, MIN_CHANGE);
        assertThat(comparison.rows()).extracting(Row::verdict).containsOnly(Verdict.WITHIN_NOISE);
        assertThat(comparison.regressions(0)).isEmpty();
    }

    @Test
    void clearlyMoreGoodputAndLessLatencyIsFaster() {
        Comparison comparison = Comparison.of(suite(SyntheticSuites.around(800, 60, 5)),
                suite(SyntheticSuites.around(950, 40, 5)), ALPHA, MIN_CHANGE);
        assertThat(row(comparison, Figure.GOODPUT).verdict()).isEqualTo(Verdict.FASTER);
        assertThat(row(comparison, Figure.GOODPUT).changePercent()).isBetween(18.0, 19.5);
        assertThat(row(comparison, Figure.P99).verdict()).isEqualTo(Verdict.FASTER);
        assertThat(comparison.regressions(0)).isEmpty();
    }

    @Test
    void clearlyLessGoodputAndMoreLatencyIsSlowerAndARegression() {
        Comparison comparison = Comparison.of(suite(SyntheticSuites.around(950, 40, 5)),
                suite(SyntheticSuites.around(800, 60, 5)), ALPHA, MIN_CHANGE);
        assertThat(row(comparison, Figure.GOODPUT).verdict()).isEqualTo(Verdict.SLOWER);
        assertThat(row(comparison, Figure.P99).verdict()).isEqualTo(Verdict.SLOWER);
        assertThat(row(comparison, Figure.P99).changePercent()).isBetween(49.0, 51.0);
        assertThat(comparison.regressions(20)).extracting(Row::figure).containsExactly(Figure.P99);
        assertThat(comparison.regressions(60)).isEmpty();
    }

    @Test
    void aSignificantChangeBelowTheMinimumIsWithinNoise() {
        Comparison comparison = Comparison.of(suite(SyntheticSuites.around(950, 40, 5)),
                suite(SyntheticSuites.around(970, 40.8, 5)), ALPHA, MIN_CHANGE);
        Row goodput = row(comparison, Figure.GOODPUT);
        assertThat(goodput.pValue()).isLessThanOrEqualTo(ALPHA);
        assertThat(goodput.verdict()).isEqualTo(Verdict.WITHIN_NOISE);
    }

    @Test
    void threeRepeatsEachAreTooFewAtFivePercentButEnoughAtTen() {
        List<CellRun> before = suite(SyntheticSuites.around(950, 40, 3));
        List<CellRun> after = suite(SyntheticSuites.around(800, 60, 3));
        assertThat(Comparison.of(before, after, ALPHA, MIN_CHANGE).rows()).extracting(Row::verdict)
                .containsOnly(Verdict.TOO_FEW_REPEATS);
        assertThat(row(Comparison.of(before, after, 0.1, MIN_CHANGE), Figure.P99).verdict()).isEqualTo(Verdict.SLOWER);
    }

    @Test
    void disturbedRepeatsAreLeftOutWhenTwoCleanOnesRemain() {
        List<CellRun> runs = suite(SyntheticSuites.around(950, 40, 3));
        CellRun disturbed = new CellRun(runs.get(2).key(), true, true, runs.get(2).figures());
        assertThat(Comparison.used(List.of(runs.get(0), runs.get(1), disturbed))).hasSize(2);
        assertThat(Comparison.used(List.of(runs.get(0), disturbed))).hasSize(2);
    }
}
