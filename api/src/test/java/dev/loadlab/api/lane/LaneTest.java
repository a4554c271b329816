package dev.loadlab.api.lane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The lane rules of DESIGN.md, on a clock the test steps by hand. */
class LaneTest {
    private long nowNanos = 1_000_000_000L;

    private Lane lane(Discipline discipline, int workers, int capacity, long timeoutMillis) {
        return new Lane(discipline, new LaneSettings(workers, capacity, timeoutMillis, 100, 5), () -> nowNanos);
    }

    private void advanceMillis(long millis) {
        nowNanos += TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** Fills the lane's one worker, queues a, b, c, then lets each finish: returns the serving order. */
    private List<String> serveOrder(Lane lane, long gapMillis) {
        assertThat(lane.offer(new RecordingWaiter("busy"))).isEqualTo(Admission.SERVE_NOW);
        for (String name : List.of("a", "b", "c")) {
            advanceMillis(gapMillis);
            assertThat(lane.offer(new RecordingWaiter(name))).isEqualTo(Admission.QUEUED);
        }
        List<String> order = new ArrayList<>();
        for (Waiter next = lane.release(); next != null; next = lane.release()) {
            order.add(next.toString());
        }
        return order;
    }

    @Test
    void servesAtOnceWhileWorkersAreFree() {
        Lane lane = lane(Discipline.FIFO, 2, 10, 0);
        assertThat(lane.offer(new RecordingWaiter("a"))).isEqualTo(Admission.SERVE_NOW);
        assertThat(lane.offer(new RecordingWaiter("b"))).isEqualTo(Admission.SERVE_NOW);
        assertThat(lane.offer(new RecordingWaiter("c"))).isEqualTo(Admission.QUEUED);
        assertThat(lane.stats().inService()).isEqualTo(2);
        assertThat(lane.stats().queued()).isEqualTo(1);
    }

    @Test
    void fifoServesOldestWaiterFirst() {
        assertThat(serveOrder(lane(Discipline.FIFO, 1, 10, 0), 1)).containsExactly("a", "b", "c");
    }

    @Test
    void lifoServesNewestWaiterFirst() {
        assertThat(serveOrder(lane(Discipline.LIFO, 1, 10, 0), 1)).containsExactly("c", "b", "a");
    }

    @Test
    void adaptiveLifoIsFifoWhileTheQueueIsHealthy() {
        assertThat(serveOrder(lane(Discipline.ADAPTIVE_LIFO, 1, 10, 0), 1)).containsExactly("a", "b", "c");
    }

    @Test
    void adaptiveLifoIsLifoOnceAnIntervalMadeEveryRequestWaitAndFifoOnceOneDidNot() {
        Lane lane = lane(Discipline.ADAPTIVE_LIFO, 1, 10, 0); // interval 100 ms, target 5 ms
        lane.offer(new RecordingWaiter("busy")); // served at once: a delay of 0 in the first interval
        for (String name : List.of("a", "b", "c", "d")) {
            lane.offer(new RecordingWaiter(name));
        }
        advanceMillis(150);
        assertThat(lane.stats().congested()).as("the first interval had a request that did not wait").isFalse();
        assertThat(lane.release()).hasToString("a"); // waited 150 ms: the next interval's only sample
        advanceMillis(110);
        assertThat(lane.release()).as("every request of that interval waited past the target").hasToString("d");
        assertThat(lane.stats().congested()).isTrue();
        assertThat(lane.release()).hasToString("c");
        advanceMillis(110);
        assertThat(lane.release()).hasToString("b");
        lane.offer(new RecordingWaiter("e"));
        assertThat(lane.release()).hasToString("e"); // waited 0: the interval is no longer all waiting
        advanceMillis(110);
        assertThat(lane.stats().congested()).isFalse();
        lane.offer(new RecordingWaiter("f"));
        lane.offer(new RecordingWaiter("g"));
        assertThat(lane.release()).hasToString("f");
    }

    @Test
    void aQueueThatNeverEmptiesButServesWithinTheTargetIsNotCongested() {
        Lane lane = lane(Discipline.ADAPTIVE_LIFO, 1, 10, 0);
        lane.offer(new RecordingWaiter("busy"));
        lane.offer(new RecordingWaiter("w0"));
        for (int i = 1; i <= 100; i++) { // 200 ms, twice the interval, never empty
            advanceMillis(2);
            lane.offer(new RecordingWaiter("w" + i));
            assertThat(lane.release()).as("each waits 2 ms, under the 5 ms target: FIFO").hasToString("w" + (i - 1));
            assertThat(lane.stats().queued()).isEqualTo(1);
            assertThat(lane.stats().congested()).isFalse();
        }
    }

    @Test
    void anIntervalWithoutSamplesKeepsTheJudgementWhileRequestsWaitAndClearsItWhenNoneDo() {
        Lane lane = lane(Discipline.ADAPTIVE_LIFO, 1, 10, 0);
        lane.offer(new RecordingWaiter("busy"));
        lane.offer(new RecordingWaiter("a"));
        lane.offer(new RecordingWaiter("b"));
        advanceMillis(150);
        lane.release(); // a, after 150 ms
        advanceMillis(110);
        assertThat(lane.stats().congested()).isTrue();
        advanceMillis(500); // nobody enters service: no evidence either way
        assertThat(lane.stats().congested()).as("b still waits").isTrue();
        lane.release(); // b, after 760 ms
        lane.release();
        advanceMillis(110);
        assertThat(lane.stats().congested()).as("b's wait is the evidence of that interval").isTrue();
        advanceMillis(110);
        assertThat(lane.stats().congested()).as("nothing waits and nothing was served").isFalse();
    }

    @Test
    void codelShedsWaitersOlderThanTheTargetOnlyWhileCongested() {
        Lane lane = lane(Discipline.CODEL, 1, 10, 0);
        lane.offer(new RecordingWaiter("busy"));
        RecordingWaiter a = new RecordingWaiter("a");
        RecordingWaiter b = new RecordingWaiter("b");
        RecordingWaiter c = new RecordingWaiter("c");
        for (RecordingWaiter waiter : List.of(a, b, c)) {
            lane.offer(waiter);
        }
        advanceMillis(150);
        lane.sweep();
        assertThat(List.of(a, b, c)).as("older than the 5 ms target, but not congested")
                .allMatch(waiter -> waiter.shedCount.get() == 0);
        assertThat(lane.release()).isSameAs(a); // waited 150 ms
        advanceMillis(110);
        RecordingWaiter fresh = new RecordingWaiter("fresh");
        lane.offer(fresh); // the interval ends: every request of it waited past the target
        assertThat(b.shedCount).hasValue(1);
        assertThat(c.shedCount).hasValue(1);
        assertThat(fresh.shedCount).hasValue(0);
        assertThat(lane.stats().shed()).isEqualTo(2);
        assertThat(lane.release()).isSameAs(fresh);
    }

    @Test
    void queueFullRejectsTheNewcomerAndKeepsTheWaiters() {
        Lane lane = lane(Discipline.FIFO, 1, 2, 0);
        lane.offer(new RecordingWaiter("busy"));
        lane.offer(new RecordingWaiter("a"));
        lane.offer(new RecordingWaiter("b"));
        assertThat(lane.offer(new RecordingWaiter("c"))).isEqualTo(Admission.QUEUE_FULL);
        LaneStats stats = lane.stats();
        assertThat(stats.rejected()).isEqualTo(1);
        assertThat(stats.queued()).isEqualTo(2);
        assertThat(stats.maxQueued()).isEqualTo(2);
    }

    @Test
    void zeroCapacityRejectsEveryoneWhoCannotBeServedAtOnce() {
        Lane lane = lane(Discipline.LIFO, 1, 0, 0);
        assertThat(lane.offer(new RecordingWaiter("a"))).isEqualTo(Admission.SERVE_NOW);
        assertThat(lane.offer(new RecordingWaiter("b"))).isEqualTo(Admission.QUEUE_FULL);
    }

    @Test
    void waiterOlderThanTheTimeoutIsShedWhenItReachesTheHead() {
        Lane lane = lane(Discipline.FIFO, 1, 10, 100);
        lane.offer(new RecordingWaiter("busy"));
        RecordingWaiter stale = new RecordingWaiter("stale");
        lane.offer(stale);
        advanceMillis(90);
        RecordingWaiter fresh = new RecordingWaiter("fresh");
        lane.offer(fresh);
        advanceMillis(20);
        assertThat(lane.release()).isSameAs(fresh);
        assertThat(stale.shedCount).hasValue(1);
    }

    @Test
    void sweepShedsExpiredWaitersWhenNothingElseHappensInTheLane() {
        Lane lane = lane(Discipline.LIFO, 1, 10, 100);
        lane.offer(new RecordingWaiter("busy"));
        RecordingWaiter first = new RecordingWaiter("first");
        RecordingWaiter second = new RecordingWaiter("second");
        lane.offer(first);
        lane.offer(second);
        advanceMillis(101);
        lane.sweep();
        assertThat(first.shedCount).hasValue(1);
        assertThat(second.shedCount).hasValue(1);
        assertThat(lane.stats().queued()).isZero();
        assertThat(lane.stats().shed()).isEqualTo(2);
    }

    @Test
    void noTimeoutMeansWaitersAreNeverShed() {
        Lane lane = lane(Discipline.FIFO, 1, 10, 0);
        lane.offer(new RecordingWaiter("busy"));
        RecordingWaiter patient = new RecordingWaiter("patient");
        lane.offer(patient);
        advanceMillis(3_600_000);
        lane.sweep();
        assertThat(patient.shedCount).hasValue(0);
        assertThat(lane.release()).isSameAs(patient);
    }

    @Test
    void cancelRemovesOnlyAWaiterThatStillWaits() {
        Lane lane = lane(Discipline.FIFO, 1, 10, 0);
        lane.offer(new RecordingWaiter("busy"));
        RecordingWaiter gone = new RecordingWaiter("gone");
        RecordingWaiter stays = new RecordingWaiter("stays");
        lane.offer(gone);
        lane.offer(stays);
        assertThat(lane.cancel(gone)).isTrue();
        assertThat(lane.cancel(gone)).isFalse();
        assertThat(lane.release()).isSameAs(stays);
        assertThat(lane.cancel(stays)).isFalse();
        assertThat(lane.stats().cancelled()).isEqualTo(1);
    }

    @Test
    void reportsQueueDepthAtArrivalAndTimeQueued() {
        Lane lane = lane(Discipline.FIFO, 1, 10, 0);
        lane.offer(new RecordingWaiter("busy"));
        lane.offer(new RecordingWaiter("a"));
        RecordingWaiter b = new RecordingWaiter("b");
        lane.offer(b);
        assertThat(b.queueDepthAtArrival()).isEqualTo(1);
        advanceMillis(30);
        lane.release();
        advanceMillis(12);
        assertThat(lane.release()).isSameAs(b);
        assertThat(b.queuedNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(42));
    }

    @Test
    void countersBalanceAfterEveryKindOfOutcome() {
        Lane lane = lane(Discipline.FIFO, 1, 1, 100);
        lane.offer(new RecordingWaiter("served"));
        lane.offer(new RecordingWaiter("shed"));
        lane.offer(new RecordingWaiter("rejected"));
        advanceMillis(200);
        lane.sweep();
        RecordingWaiter cancelled = new RecordingWaiter("cancelled");
        lane.offer(cancelled);
        lane.cancel(cancelled);
        lane.offer(new RecordingWaiter("waiting"));
        LaneStats stats = lane.stats();
        assertThat(stats.received()).isEqualTo(5);
        assertThat(stats.received()).isEqualTo(stats.completed() + stats.rejected() + stats.shed()
                + stats.cancelled() + stats.inService() + stats.queued());
        assertThat(List.of(stats.rejected(), stats.shed(), stats.cancelled(), (long) stats.inService(),
                (long) stats.queued())).containsExactly(1L, 1L, 1L, 1L, 1L);
    }

    @Test
    void awaitIdleReturnsOnceTheLastRequestLeaves() throws InterruptedException {
        Lane lane = lane(Discipline.FIFO, 1, 10, 0);
        lane.offer(new RecordingWaiter("busy"));
        assertThat(lane.awaitIdle(1, TimeUnit.MILLISECONDS)).isFalse();
        Thread releaser = Thread.ofPlatform().start(lane::release);
        assertThat(lane.awaitIdle(30, TimeUnit.SECONDS)).isTrue();
        releaser.join();
    }

    @Test
    void resizeUpHandsTheNewWorkersToWaitersInDisciplineOrder() {
        Lane lane = lane(Discipline.LIFO, 1, 10, 0);
        lane.offer(new RecordingWaiter("busy"));
        lane.offer(new RecordingWaiter("a"));
        lane.offer(new RecordingWaiter("b"));
        lane.offer(new RecordingWaiter("c"));
        assertThat(lane.resize(3)).extracting(Object::toString).containsExactly("c", "b");
        assertThat(lane.stats().inService()).isEqualTo(3);
        assertThat(lane.stats().settings().workers()).isEqualTo(3);
    }

    @Test
    void resizeDownLetsRequestsInServiceFinishBeforeAnyWaiterIsServed() {
        Lane lane = lane(Discipline.FIFO, 2, 10, 0);
        lane.offer(new RecordingWaiter("x"));
        lane.offer(new RecordingWaiter("y"));
        lane.offer(new RecordingWaiter("a"));
        assertThat(lane.resize(1)).isEmpty();
        assertThat(lane.release()).as("one still in service: at the new limit").isNull();
        assertThat(lane.release()).hasToString("a");
    }

    @Test
    void zeroWorkersQueuesEveryNewcomer() {
        Lane lane = lane(Discipline.FIFO, 1, 10, 0);
        lane.resize(0);
        assertThat(lane.offer(new RecordingWaiter("a"))).isEqualTo(Admission.QUEUED);
        assertThat(lane.resize(1)).extracting(Object::toString).containsExactly("a");
    }
}
