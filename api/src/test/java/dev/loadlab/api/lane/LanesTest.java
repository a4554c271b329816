package dev.loadlab.api.lane;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** The sweeper's thread, on the real clock: asleep while idle, awake to shed a waiter nobody else will. */
class LanesTest {
    private static final LaneSettings SHEDDING = new LaneSettings(1, 10, 50, 100, 5);

    @Test
    void anIdleSweeperStaysAsleep() throws InterruptedException {
        try (Lanes lanes = new Lanes(SHEDDING)) {
            Thread sweeper = lanes.sweeper().thread();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (sweeper.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(300);
            assertThat(sweeper.getState()).as("parked without a timeout").isEqualTo(Thread.State.WAITING);
            assertThat(lanes.sweeper().sweeps()).isZero();
        }
    }

    @Test
    void aWaiterIsShedAndAnsweredWhenNothingElseHappensInItsLane() throws InterruptedException {
        try (Lanes lanes = new Lanes(SHEDDING)) {
            Lane fifo = lanes.lane(Discipline.FIFO);
            fifo.offer(new RecordingWaiter("busy"));
            RecordingWaiter waiter = new RecordingWaiter("waiter");
            fifo.offer(waiter);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (waiter.shedCount.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(waiter.shedCount).as("shed by the sweeper").hasValue(1);
            // The shed is reported inside a sweep, which then ends: wait until it has, parked untimed.
            while (lanes.sweeper().thread().getState() != Thread.State.WAITING) {
                assertThat(System.nanoTime()).as("the sweeper parks once the sweep ends").isLessThan(deadline);
                Thread.sleep(5);
            }
            long sweeps = lanes.sweeper().sweeps();
            Thread.sleep(200);
            assertThat(lanes.sweeper().sweeps()).as("asleep again once nothing can expire").isEqualTo(sweeps);
            assertThat(fifo.stats().queued()).isZero();
        }
    }

    @Test
    void lanesForOneDisciplineHoldJustThatLane() {
        try (Lanes lanes = new Lanes(SHEDDING, EnumSet.of(Discipline.LIFO))) {
            assertThat(lanes.all()).extracting(Lane::discipline).containsExactly(Discipline.LIFO);
            assertThat(lanes.lane(Discipline.LIFO).discipline()).isEqualTo(Discipline.LIFO);
        }
    }
}
