package dev.loadlab.balancer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadlab.api.lane.Admission;
import dev.loadlab.api.lane.Discipline;
import dev.loadlab.api.lane.Lane;
import dev.loadlab.api.lane.LaneSettings;
import dev.loadlab.api.lane.Waiter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class QueueSweeperTest {

    private static final class ShedWatcher extends Waiter {
        final CountDownLatch shed = new CountDownLatch(1);

        @Override
        protected void onShed() {
            shed.countDown();
        }
    }

    @Test
    void armedOnlyWhileAWaiterIsQueuedAndShedsItWhenNothingElseHappens() throws Exception {
        // No workers: every offer waits. A timeout long enough that the waiter is still queued when
        // the test reads armed() even if this thread is descheduled in between.
        Lane lane = new Lane(Discipline.FIFO, new LaneSettings(0, 10, 1_000, 100, 5));
        try (QueueSweeper sweeper = new QueueSweeper(lane)) {
            assertThat(sweeper.armed()).isFalse();
            ShedWatcher waiter = new ShedWatcher();
            assertThat(lane.offer(waiter)).isEqualTo(Admission.QUEUED);
            sweeper.waiterQueued();
            assertThat(sweeper.armed()).isTrue();
            assertThat(waiter.shed.await(30, TimeUnit.SECONDS)).as("shed by a sweep").isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (sweeper.armed()) {
                assertThat(System.nanoTime()).as("disarmed once the queue is empty").isLessThan(deadline);
                Thread.sleep(5);
            }
        }
    }

    @Test
    void aLaneThatNeverShedsIsNeverSwept() {
        Lane lane = new Lane(Discipline.LIFO, new LaneSettings(0, 10, 0, 100, 5));
        try (QueueSweeper sweeper = new QueueSweeper(lane)) {
            assertThat(lane.offer(new ShedWatcher())).isEqualTo(Admission.QUEUED);
            sweeper.waiterQueued();
            assertThat(sweeper.armed()).isFalse();
        }
    }
}
