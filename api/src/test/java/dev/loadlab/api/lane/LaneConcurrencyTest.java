package dev.loadlab.api.lane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many threads offering to, serving from, sweeping, cancelling in and resizing one lane at once (as
 * the balancer's I/O, timer and health threads do): every request ends exactly once (served,
 * rejected, shed or cancelled), none is lost or served twice, and the counters balance whenever
 * they are read.
 */
class LaneConcurrencyTest {
    private static final int THREADS = 8;
    private static final int REQUESTS_PER_THREAD = 20_000;
    /** The resizer moves the lane's workers between 1 and this. */
    private static final int MOST_WORKERS = 5;

    /** A waiter that counts each way it can end. */
    private static final class Tracked extends Waiter {
        final AtomicInteger served = new AtomicInteger();
        final AtomicInteger shed = new AtomicInteger();
        boolean rejected;
        final AtomicInteger cancelled = new AtomicInteger();

        @Override
        protected void onShed() {
            shed.incrementAndGet();
        }
    }

    @ParameterizedTest
    @EnumSource(Discipline.class)
    void noRequestIsLostOrServedTwiceUnderContention(Discipline discipline) throws Exception {
        // A 1 ms timeout and a 2 ms CoDel interval make shedding common, alongside rejection.
        Lane lane = new Lane(discipline, new LaneSettings(3, 50, 1, 2, 1));
        List<Tracked> all = new ArrayList<>();
        List<List<Tracked>> perThread = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            List<Tracked> mine = new ArrayList<>();
            for (int i = 0; i < REQUESTS_PER_THREAD; i++) {
                mine.add(new Tracked());
            }
            perThread.add(mine);
            all.addAll(mine);
        }
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong unbalancedReads = new AtomicLong();
        Thread auditor = Thread.ofPlatform().start(() -> {
            while (running.get()) {
                LaneStats s = lane.stats();
                if (s.received() != s.completed() + s.rejected() + s.shed() + s.cancelled() + s.inService() + s.queued()
                        || s.inService() > MOST_WORKERS || s.queued() > 50) {
                    unbalancedReads.incrementAndGet();
                }
                lane.sweep();
                // A client that went away: true only if it was still waiting, and then the lane forgets it.
                Tracked any = all.get(ThreadLocalRandom.current().nextInt(all.size()));
                if (lane.cancel(any)) {
                    any.cancelled.incrementAndGet();
                }
            }
        });
        Thread resizer = Thread.ofPlatform().start(() -> {
            while (running.get()) {
                // Workers granted by a rise are the caller's to serve, as the balancer starts them.
                for (Waiter granted : lane.resize(1 + ThreadLocalRandom.current().nextInt(MOST_WORKERS))) {
                    serveChain(lane, (Tracked) granted);
                }
                Thread.yield();
            }
        });
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (List<Tracked> mine : perThread) {
            workers.add(Thread.ofPlatform().start(() -> {
                awaitQuietly(start);
                for (Tracked request : mine) {
                    switch (lane.offer(request)) {
                        case SERVE_NOW -> serveChain(lane, request);
                        case QUEUED -> { }
                        case QUEUE_FULL -> request.rejected = true;
                    }
                }
            }));
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join(TimeUnit.SECONDS.toMillis(60));
        }
        // Whatever still waits is shed by the timeout: sweep until the lane is empty.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!lane.stats().idle() && System.nanoTime() < deadline) {
            lane.sweep();
            Thread.sleep(2);
        }
        running.set(false);
        auditor.join();
        resizer.join();

        assertThat(lane.stats().idle()).isTrue();
        assertThat(unbalancedReads).hasValue(0);
        for (Tracked request : all) {
            int endings = request.served.get() + request.shed.get() + request.cancelled.get() + (request.rejected ? 1 : 0);
            assertThat(endings).as("each request ends exactly once").isEqualTo(1);
        }
        LaneStats stats = lane.stats();
        assertThat(stats.received()).isEqualTo((long) THREADS * REQUESTS_PER_THREAD);
        assertThat(stats.completed()).isEqualTo(all.stream().filter(r -> r.served.get() == 1).count());
        assertThat(stats.shed()).isEqualTo(all.stream().filter(r -> r.shed.get() == 1).count());
        assertThat(stats.rejected()).isEqualTo(all.stream().filter(r -> r.rejected).count());
        assertThat(stats.cancelled()).isEqualTo(all.stream().filter(r -> r.cancelled.get() == 1).count());
    }

    /** Serves a request, then every waiter the lane hands over, as a platform worker does. */
    private static void serveChain(Lane lane, Tracked first) {
        Waiter next = first;
        while (next != null) {
            ((Tracked) next).served.incrementAndGet();
            if (ThreadLocalRandom.current().nextInt(16) == 0) {
                Thread.yield();
            }
            next = lane.release();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
