package dev.loadlab.client.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class CapacitySearchTest {

    /** A server that keeps up with at most {@code capacity} req/s: every step at or below it passes. */
    private static CapacitySearch.StepRunner capacityOf(double capacity, List<Double> tried) {
        return (number, stage, rate) -> {
            tried.add(rate);
            boolean passed = rate <= capacity;
            return new SearchStep(number, stage, rate, 1000, passed ? 1000 : 900, rate, true, 1, true, 0.1, false, List.of(), passed,
                    null);
        };
    }

    @Test
    void doublesUntilAStepFailsThenBisectsToWithinThePrecision() throws Exception {
        List<Double> tried = new ArrayList<>();
        CapacitySearch.SearchOutcome outcome = CapacitySearch.builder().startRateHz(100).precision(0.05).build()
                .run(capacityOf(1234, tried), step -> { });

        assertThat(tried).containsExactly(100.0, 200.0, 400.0, 800.0, 1600.0, 1200.0, 1400.0, 1300.0, 1250.0);
        assertThat(outcome.capacityRps()).isEqualTo(1200);
        assertThat(outcome.lowestFailRps()).isEqualTo(1250);
        assertThat(outcome.steps()).extracting(SearchStep::stage).startsWith("rise", "rise", "rise", "rise", "rise")
                .endsWith("bisect", "bisect", "bisect", "bisect");
        assertThat(outcome.stopReason()).contains("within 5%");
    }

    @Test
    void aFirstStepThatFailsBisectsTowardsZero() throws Exception {
        List<Double> tried = new ArrayList<>();
        CapacitySearch.SearchOutcome outcome = CapacitySearch.builder().startRateHz(100).precision(0.1).build()
                .run(capacityOf(30, tried), step -> { });

        assertThat(tried).startsWith(100.0, 50.0, 25.0, 37.0);
        assertThat(outcome.capacityRps()).isBetween(27.0, 30.0);
    }

    @Test
    void stopsAtTheStepLimitWithTheHighestPassSoFar() throws Exception {
        List<SearchStep> told = new ArrayList<>();
        CapacitySearch.SearchOutcome outcome = CapacitySearch.builder().startRateHz(100).maxSteps(3).build()
                .run(capacityOf(1234, new ArrayList<>()), told::add);

        assertThat(told).hasSize(3);
        assertThat(outcome.steps()).isEqualTo(told);
        assertThat(outcome.capacityRps()).isEqualTo(400);
        assertThat(outcome.lowestFailRps()).isNull();
        assertThat(outcome.stopReason()).contains("--max-steps 3");
    }

    @Test
    void aServerFasterThanTheMaxRateIsReportedAtTheMaxRate() throws Exception {
        List<Double> tried = new ArrayList<>();
        CapacitySearch.SearchOutcome outcome = CapacitySearch.builder().startRateHz(100).maxRateHz(300).build()
                .run(capacityOf(1e9, tried), step -> { });

        assertThat(tried).containsExactly(100.0, 200.0, 300.0);
        assertThat(outcome.capacityRps()).isEqualTo(300);
        assertThat(outcome.stopReason()).contains("--max-rate");
    }

    @Test
    void aStepSaysWhyItFailed() {
        SearchStep limited = new SearchStep(1, "rise", 5000, 10_000, 10_000, 4900, true, 1, true, 0.1, true,
                List.of("behind schedule: 4,900 of 5,000 req/s"), false, null);

        assertThat(limited.describe(0.99, 500)).contains("fail: client limit: behind schedule");
        assertThat(new SearchStep(2, "bisect", 100, 1000, 980, 100, true, 1, true, 0.1, false, List.of(), false, null)
                .describe(0.99, 500)).contains("fail: goodput 98.0% < 99.0%");
        assertThat(new SearchStep(3, "bisect", 2000, 2000, 2000, 1600, false, 1, true, 0.1, false, List.of(), false,
                null).describe(0.99, 500)).contains("fail: the server fell behind: answered 1,600 of 2,000 req/s");
        assertThat(new SearchStep(4, "rise", 3200, 3200, 3174, 3200, true, 998, false, 0.1, false, List.of(), false,
                null).describe(0.99, 500)).endsWith("fail: p99 998.00 ms over the 500.00 ms criterion");
    }
}
