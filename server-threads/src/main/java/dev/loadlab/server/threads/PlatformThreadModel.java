package dev.loadlab.server.threads;

import dev.loadlab.api.http.ApiRequest;
import dev.loadlab.api.http.ConcurrencyModel;
import dev.loadlab.api.http.ExchangeWaiter;
import dev.loadlab.api.lane.Discipline;
import dev.loadlab.api.lane.Lane;
import dev.loadlab.api.lane.LaneSettings;
import io.undertow.util.SameThreadExecutor;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread per request in service: each lane has its own pool of {@code workers} platform threads.
 * A request in service occupies a thread for its whole life, and {@code io_ms} blocks it.
 *
 * <p>Hand-offs: the I/O thread admits the request to its lane. Served at once, it goes to a pool
 * thread; queued, its exchange stays suspended in the lane. A pool thread that finishes a request
 * asks the lane for the next waiter and serves it itself, so the discipline decides which task a
 * free thread takes next. The pool's own queue only bridges the moment between a lane granting a
 * worker and a pool thread picking the request up: it never holds more than {@code workers} tasks.
 */
final class PlatformThreadModel implements ConcurrencyModel {
    private static final long IDLE_THREAD_SECONDS = 60;

    private final Map<Discipline, ThreadPoolExecutor> pools = new EnumMap<>(Discipline.class);

    PlatformThreadModel(LaneSettings settings) {
        for (Discipline discipline : Discipline.values()) {
            var pool = new ThreadPoolExecutor(settings.workers(), settings.workers(),
                    IDLE_THREAD_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), namedThreads(discipline));
            pool.allowCoreThreadTimeOut(true);
            pools.put(discipline, pool);
        }
    }

    @Override
    public String name() {
        return "threads";
    }

    @Override
    public void process(ApiRequest request) {
        PooledRequest pooled = new PooledRequest(request);
        // Admission runs once the root handler has returned: from then on the exchange may be
        // answered by any thread the lane hands it to.
        request.exchange().dispatch(SameThreadExecutor.INSTANCE, () -> admit(pooled));
    }

    private void admit(PooledRequest request) {
        Lane lane = request.lane();
        switch (lane.offer(request)) {
            case SERVE_NOW -> pools.get(lane.discipline()).execute(() -> serveFrom(lane, request));
            case QUEUED -> { } // the lane hands it to a pool thread, or sheds it
            case QUEUE_FULL -> request.answerQueueFull();
        }
    }

    /**
     * Serves {@code first}, then every waiter the lane hands this thread, until none waits. A
     * request whose service fails is answered by {@code serveBlocking} itself, which never throws:
     * so every request served here is released, and every waiter the lane hands on is served.
     */
    private static void serveFrom(Lane lane, PooledRequest first) {
        for (PooledRequest request = first; request != null; request = (PooledRequest) lane.release()) {
            request.serveBlocking();
        }
    }

    private static ThreadFactory namedThreads(Discipline discipline) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, discipline.wireName() + "-worker-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        pools.values().forEach(ExecutorService::shutdownNow);
    }

    /** A request waiting for a platform thread: a task in its lane's queue. */
    private static final class PooledRequest extends ExchangeWaiter {
        PooledRequest(ApiRequest request) {
            super(request);
        }

        /** Any thread may answer: the exchange is dispatched and nobody else holds it. */
        @Override
        protected void onShed() {
            answerShed();
        }
    }
}
