package dev.loadlab.balancer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadlab.api.lane.Discipline;
import dev.loadlab.api.lane.Lane;
import dev.loadlab.api.lane.LaneSettings;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LaneCapacityTest {

    /**
     * The worst interleaving of two capacity changes, forced: the first caller reads the capacity
     * and is held up before it resizes (as a preempted thread is); meanwhile a backend comes back
     * and a second caller follows. However long the first is held, the lane ends at the capacity
     * after both changes, never at the first caller's stale reading.
     */
    @Test
    void aCapacityReadBeforeAnotherChangeNeverLandsAfterIt() throws Exception {
        Lane lane = new Lane(Discipline.FIFO, new LaneSettings(0, 100, 0, 100, 5));
        AtomicInteger trueCapacity = new AtomicInteger(10);
        AtomicBoolean firstRead = new AtomicBoolean(true);
        CountDownLatch firstHasRead = new CountDownLatch(1);
        CountDownLatch secondFollowed = new CountDownLatch(1);
        LaneCapacity capacity = new LaneCapacity(lane, () -> {
            int read = trueCapacity.get();
            if (firstRead.getAndSet(false)) {
                firstHasRead.countDown();
                awaitQuietly(secondFollowed, 500); // held up between its read and its resize
            }
            return read;
        });
        Thread first = Thread.ofPlatform().start(capacity::follow);
        assertThat(firstHasRead.await(30, TimeUnit.SECONDS)).isTrue();
        trueCapacity.set(20);
        Thread second = Thread.ofPlatform().start(() -> {
            capacity.follow();
            secondFollowed.countDown();
        });
        first.join();
        second.join();
        assertThat(lane.settings().workers()).isEqualTo(20);
    }

    private static void awaitQuietly(CountDownLatch latch, long millis) {
        try {
            latch.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
