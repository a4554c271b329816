package dev.loadlab.client.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * When the open loop fell behind its timetable, by the run's own threshold and by a tolerance the
 * caller sets; and when that makes the run's figures the client's.
 */
class ScheduleOutcomeTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long MILLISECOND = TimeUnit.MILLISECONDS.toNanos(1);

    /** 1,000 req/s for a second (1,001 slots), sent at {@code achievedRateHz}. */
    private static ScheduleOutcome keptAt(double achievedRateHz) {
        return new ScheduleOutcome(1000, LoadShape.Arrival.UNIFORM, 1001, SECOND, achievedRateHz, MILLISECOND, 0, 10,
                SECOND);
    }

    @Test
    void aDispatchLagOverTheLateThresholdIsTheRunsOwnReason() {
        assertThat(keptAt(1000).behindReasons(3 * MILLISECOND))
                .containsExactly("dispatch-lag p99 3.0 ms over the 1.0 ms threshold");
        assertThat(keptAt(1000).behindReasons(0.5 * MILLISECOND)).isEmpty();
    }

    @Test
    void theLateThresholdIsOneGridStepOfAtLeastAMillisecondPlusOneInterArrivalGap() {
        assertThat(Timetable.lateThresholdNanos(2_000, MILLISECOND)).isEqualTo(MILLISECOND + MILLISECOND / 2);
        assertThat(Timetable.lateThresholdNanos(100, MILLISECOND)).isEqualTo(11 * MILLISECOND);
        assertThat(Timetable.lateThresholdNanos(20_000, MILLISECOND)).isEqualTo(MILLISECOND + MILLISECOND / 20);
        // --wake-grid 5ms: a slot may wait up to 5 ms for its wake-up by design.
        assertThat(Timetable.lateThresholdNanos(20_000, 5 * MILLISECOND)).isEqualTo(5 * MILLISECOND + MILLISECOND / 20);
        // A finer grid keeps the default's millisecond: late means the same as without it.
        assertThat(Timetable.lateThresholdNanos(20_000, MILLISECOND / 2)).isEqualTo(MILLISECOND + MILLISECOND / 20);
    }

    @Test
    void aGeneratorThatKeepsTheGridExactlyIsNotBehind() {
        // At 2,000 req/s every other slot waits up to the grid's millisecond for its wake-up,
        // and the wake-up itself comes a little late.
        ScheduleOutcome onTheGrid = new ScheduleOutcome(2000, LoadShape.Arrival.UNIFORM, 2001, SECOND, 2000,
                Timetable.lateThresholdNanos(2000, MILLISECOND), 0, 10, SECOND);

        assertThat(onTheGrid.behindReasons(MILLISECOND + 80_000)).isEmpty();
        assertThat(onTheGrid.behindReasons(2 * MILLISECOND))
                .containsExactly("dispatch-lag p99 2.0 ms over the 1.5 ms threshold");
    }

    @Test
    void aToleranceReplacesTheThresholdAndIsNamed() {
        ScheduleOutcome kept = keptAt(1000);

        assertThat(kept.behindReasons(3 * MILLISECOND, 50 * MILLISECOND, "tolerance")).isEmpty();
        assertThat(kept.behindReasons(60 * MILLISECOND, 50 * MILLISECOND, "tolerance (5% of the deadline)"))
                .containsExactly("dispatch-lag p99 60.0 ms over the 50.0 ms tolerance (5% of the deadline)");
    }

    @Test
    void aRateNotKeptIsAReasonWhateverTheTolerance() {
        assertThat(keptAt(980).behindReasons(0, 50 * MILLISECOND, "tolerance"))
                .containsExactly("behind schedule: 980 of 1,000 req/s");
        assertThat(keptAt(995).behindReasons(0, 50 * MILLISECOND, "tolerance")).as("99% of the rate is kept").isEmpty();
    }

    @Test
    void aLagWithinATenthOfTheLatencyP99LeavesTheFiguresTheServers() {
        ScheduleOutcome lateButKept = keptAt(1000); // its late threshold: 1 ms

        assertThat(lateButKept.behind(4 * MILLISECOND)).as("behind its threshold").isTrue();
        assertThat(lateButKept.limitReasons(4 * MILLISECOND, 54 * MILLISECOND)).isEmpty();
        assertThat(lateButKept.limitReasons(6 * MILLISECOND, 54 * MILLISECOND))
                .containsExactly("dispatch-lag p99 6.0 ms over the 5.4 ms tolerance, a tenth of the latency p99 (54.0 ms)");
    }

    @Test
    void underShortLatenciesTheLateThresholdStaysTheLimit() {
        assertThat(keptAt(1000).limitReasons(3 * MILLISECOND, 5 * MILLISECOND))
                .containsExactly("dispatch-lag p99 3.0 ms over the 1.0 ms threshold");
        assertThat(keptAt(1000).limitReasons(0.5 * MILLISECOND, 5 * MILLISECOND)).isEmpty();
    }

    @Test
    void aRateNotKeptLimitsTheRunWhateverItsLatencies() {
        assertThat(keptAt(980).limitReasons(0, SECOND)).containsExactly("behind schedule: 980 of 1,000 req/s");
    }
}
