package dev.loadlab.api.lane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * When the sweeper wakes, on a clock the test steps and with the test in place of its thread:
 * never while no lane holds a waiter that can expire, else at the moment the oldest one can.
 */
class LaneSweeperTest {
    private long nowNanos = 1_000_000_000L;
    private final LaneSweeper sweeper = new LaneSweeper(() -> nowNanos);

    private Lane watched(Discipline discipline, long timeoutMillis) {
        Lane lane = new Lane(discipline, new LaneSettings(1, 10, timeoutMillis, 100, 5), () -> nowNanos, sweeper::arm);
        sweeper.watch(List.of(lane));
        return lane;
    }

    private void advanceMillis(long millis) {
        nowNanos += TimeUnit.MILLISECONDS.toNanos(millis);
    }

    private long inMillis(long millis) {
        return nowNanos + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void sleepsIndefinitelyWhileNothingWaits() {
        Lane lane = watched(Discipline.FIFO, 100);
        assertThat(sweeper.sweepDue()).isEqualTo(LaneSweeper.NEVER);
        assertThat(lane.offer(new RecordingWaiter("busy"))).isEqualTo(Admission.SERVE_NOW);
        assertThat(sweeper.wakeAtNanos()).as("a request in service cannot expire").isEqualTo(LaneSweeper.NEVER);
    }

    @Test
    void aWaiterInAnEmptyQueueArmsItForTheMomentItCanExpire() {
        Lane lane = watched(Discipline.FIFO, 100);
        lane.offer(new RecordingWaiter("busy"));
        lane.offer(new RecordingWaiter("first"));
        assertThat(sweeper.wakeAtNanos()).isEqualTo(inMillis(100) + 1);
    }

    @Test
    void wakesForTheOldestWaiterThenForTheNextAndThenSleeps() {
        Lane lane = watched(Discipline.LIFO, 100);
        lane.offer(new RecordingWaiter("busy"));
        RecordingWaiter first = new RecordingWaiter("first");
        RecordingWaiter second = new RecordingWaiter("second");
        lane.offer(first);
        long firstExpires = inMillis(100) + 1;
        advanceMillis(40);
        lane.offer(second);
        long secondExpires = inMillis(100) + 1;
        assertThat(sweeper.wakeAtNanos()).as("a later waiter cannot expire sooner").isEqualTo(firstExpires);

        nowNanos = firstExpires;
        assertThat(sweeper.sweepDue()).isEqualTo(secondExpires);
        assertThat(first.shedCount).hasValue(1);
        assertThat(second.shedCount).hasValue(0);
        nowNanos = secondExpires;
        assertThat(sweeper.sweepDue()).isEqualTo(LaneSweeper.NEVER);
        assertThat(second.shedCount).hasValue(1);
        assertThat(lane.stats().shed()).isEqualTo(2);
    }

    @Test
    void aWaiterServedInTimeLeavesAWakeUpThatFindsNothingToDo() {
        Lane lane = watched(Discipline.FIFO, 100);
        lane.offer(new RecordingWaiter("busy"));
        RecordingWaiter waiter = new RecordingWaiter("waiter");
        lane.offer(waiter);
        long expires = sweeper.wakeAtNanos();
        advanceMillis(10);
        assertThat(lane.release()).isSameAs(waiter);
        nowNanos = expires;
        assertThat(sweeper.sweepDue()).isEqualTo(LaneSweeper.NEVER);
        assertThat(lane.stats().shed()).isZero();
    }

    @Test
    void aLaneThatCannotShedNeverArmsIt() {
        Lane fifo = watched(Discipline.FIFO, 0);
        Lane adaptive = new Lane(Discipline.ADAPTIVE_LIFO, new LaneSettings(1, 10, 0, 100, 5), () -> nowNanos, sweeper::arm);
        sweeper.watch(List.of(fifo, adaptive));
        for (Lane lane : List.of(fifo, adaptive)) {
            lane.offer(new RecordingWaiter("busy"));
            lane.offer(new RecordingWaiter("waits for ever"));
        }
        assertThat(sweeper.wakeAtNanos()).isEqualTo(LaneSweeper.NEVER);
        advanceMillis(3_600_000);
        assertThat(sweeper.sweepDue()).isEqualTo(LaneSweeper.NEVER);
    }

    @Test
    void codelArmsItOnlyOnceAnIntervalCanEndCongested() {
        Lane lane = watched(Discipline.CODEL, 0); // interval 100 ms, target 5 ms
        lane.offer(new RecordingWaiter("busy"));
        RecordingWaiter first = new RecordingWaiter("first");
        RecordingWaiter second = new RecordingWaiter("second");
        lane.offer(first);
        lane.offer(second);
        assertThat(sweeper.wakeAtNanos()).as("this interval had a request served at once: it cannot end congested")
                .isEqualTo(LaneSweeper.NEVER);
        advanceMillis(150);
        assertThat(lane.release()).isSameAs(first); // waited 150 ms, in an interval ending in 100 ms
        long intervalEnds = inMillis(100);
        assertThat(sweeper.wakeAtNanos()).isEqualTo(intervalEnds);
        nowNanos = intervalEnds - 1;
        sweeper.sweepDue();
        assertThat(second.shedCount).hasValue(0);
        nowNanos = intervalEnds;
        assertThat(sweeper.sweepDue()).isEqualTo(LaneSweeper.NEVER);
        assertThat(second.shedCount).as("congested, and older than the target").hasValue(1);
    }
}
