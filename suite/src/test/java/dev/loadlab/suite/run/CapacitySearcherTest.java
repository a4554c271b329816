package dev.loadlab.suite.run;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Where a capacity search starts from: the lanes' own limit, and the cores' for CPU work. */
class CapacitySearcherTest {

    @Test
    void waitingWorkIsLimitedByTheWorkersAlone() {
        assertThat(CapacitySearcher.laneLimit(16, 10, 0, 2)).isEqualTo(1_600);
        assertThat(CapacitySearcher.laneLimit(64, 10, 0, 2)).isEqualTo(6_400);
    }

    @Test
    void cpuWorkIsLimitedByTheCoresToo() {
        assertThat(CapacitySearcher.laneLimit(64, 0, 2, 2)).as("2 cores, 2 ms each").isEqualTo(1_000);
        assertThat(CapacitySearcher.laneLimit(1, 0, 2, 2)).as("one worker, fewer than the cores").isEqualTo(500);
        assertThat(CapacitySearcher.laneLimit(64, 8, 2, 16)).as("the workers, when they are the tighter limit")
                .isEqualTo(6_400);
    }

    @Test
    void noWorkAtAllStartsFromAFixedGuess() {
        assertThat(CapacitySearcher.laneLimit(16, 0, 0, 2)).isEqualTo(200);
    }
}
