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
            return new SearchStep(number, stage, rate, 1000, passed ? 1000 : 900, rate, true, 1, true, 0.1, false, List.of(), false, 0, true, passed,
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

    /**
     * A server of {@code capacity} req/s on a machine whose hypervisor takes CPU during the steps
     * numbered in {@code disturbedSteps}: those steps fail whatever their rate, and say so.
     */
    private static CapacitySearch.StepRunner disturbedAt(double capacity, List<Integer> disturbedSteps,
                                                         List<String> tried) {
        return (number, stage, rate) -> {
            tried.add(stage + " " + (long) rate);
            boolean disturbed = disturbedSteps.contains(number);
            boolean passed = !disturbed && rate <= capacity;
            return new SearchStep(number, stage, rate, 1000, passed ? 1000 : 900, rate, true, 1, true, 0.1, false,
                    List.of(), disturbed, 0, true, passed, null);
        };
    }

    @Test
    void aDisturbedFailIsRunOnceMoreAtTheSameRate() throws Exception {
        List<String> tried = new ArrayList<>();
        CapacitySearch.SearchOutcome outcome = CapacitySearch.builder().startRateHz(100).precision(0.05).build()
                .run(disturbedAt(1234, List.of(2), tried), step -> { });

        assertThat(tried).startsWith("rise 100", "rise 200", "repeat 200", "rise 400", "rise 800", "rise 1600",
                "bisect 1200");
        assertThat(outcome.capacityRps()).isEqualTo(1200);
        assertThat(outcome.lowestFailRps()).isEqualTo(1250);
    }

    @Test
    void aRepeatThatFailsDisturbedAgainStandsAsAFail() throws Exception {
        List<String> tried = new ArrayList<>();
        CapacitySearch.SearchOutcome outcome = CapacitySearch.builder().startRateHz(100).precision(0.05).build()
                .run(disturbedAt(1234, List.of(2, 3), tried), step -> { });

        assertThat(tried).startsWith("rise 100", "rise 200", "repeat 200", "bisect 150");
        assertThat(outcome.lowestFailRps()).isEqualTo(200);
        assertThat(outcome.capacityRps()).isBetween(190.0, 200.0);
    }

    @Test
    void aDisturbedPassStandsAndARepeatCountsTowardsTheStepLimit() throws Exception {
        List<String> tried = new ArrayList<>();
        CapacitySearch.SearchOutcome outcome = CapacitySearch.builder().startRateHz(100).maxSteps(2).build()
                .run(disturbedAt(1234, List.of(2), tried), step -> { });

        assertThat(tried).containsExactly("rise 100", "rise 200");
        assertThat(outcome.capacityRps()).isEqualTo(100);
        assertThat(outcome.stopReason()).contains("--max-steps 2");
        assertThat(outcome.steps().get(1).describe(0.99, 500)).endsWith("(disturbed: steal >= 5%)");
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
                List.of("behind schedule: 4,900 of 5,000 req/s"), false, 0, true, false, null);

        assertThat(limited.describe(0.99, 500)).contains("fail: client limit: behind schedule");
        assertThat(new SearchStep(2, "bisect", 100, 1000, 980, 100, true, 1, true, 0.1, false, List.of(), false, 0, true, false, null)
                .describe(0.99, 500)).contains("fail: goodput 98.0% < 99.0%");
        assertThat(new SearchStep(3, "bisect", 2000, 2000, 2000, 1600, false, 1, true, 0.1, false, List.of(), false, 0, true, false,
                null).describe(0.99, 500)).contains("fail: the server fell behind: answered 1,600 of 2,000 req/s");
        assertThat(new SearchStep(4, "rise", 3200, 3200, 3174, 3200, true, 998, false, 0.1, false, List.of(), false, 0, true, false,
                null).describe(0.99, 500)).endsWith("fail: p99 998.00 ms over the 500.00 ms criterion");
    }
}
