package dev.loadlab.benchmarks;

import dev.loadlab.api.lane.Admission;
import dev.loadlab.api.lane.Discipline;
import dev.loadlab.api.lane.Lane;
import dev.loadlab.api.lane.LaneSettings;
import dev.loadlab.api.lane.Waiter;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.xnio.XnioIoThread;

/**
 * The hand-off: the time from "a worker is freed" to "the next waiting request runs", for each way
 * a request waits in loadlab's servers.
 *
 * <p>Why: under load every request that queued pays this once, between the release of the worker
 * it waited for and its own first instruction. The three models wait differently (see each
 * model's javadoc): the platform-thread server's freed pool thread serves the next waiter itself;
 * a request served at once reaches a pool thread idle in its pool's queue; the virtual-thread
 * server's waiter is a parked virtual thread the finishing thread unparks; the async server's
 * waiter is a suspended exchange, resumed by a task posted to its XNIO I/O thread
 * ({@code execute}). The lane is the servers' own {@link Lane}, with one worker.
 *
 * <p>One op: the benchmark thread holds the lane's worker and one request waits. It calls
 * {@code release()}, which grants the worker to the waiter, and starts the waiter the model's way;
 * the waiter runs, queues a new request (an offer, tens of ns: {@code LaneBenchmark}) so the next
 * op finds the same state, and raises a signal the benchmark thread spins on (a cache-line
 * transfer: the benchmark thread never sleeps, so no wake-up of its own is counted). On 2 cores
 * the spinning benchmark thread takes one; the woken side has the other.
 *
 * <ul>
 *   <li>{@link #platformThreadServesNextItself}: the threads model's hand-off; no thread switch.</li>
 *   <li>{@link #pooledTaskWakesIdleThread}: a task given to a {@link ThreadPoolExecutor} (built as
 *       the threads model builds its pools) whose one thread waits in the pool's queue: a parked
 *       platform thread woken by the kernel.</li>
 *   <li>{@link #parkedVirtualThreadGranted}: the virtual-threads model's hand-off, per
 *       {@code discipline}, with {@value #PARKED_WAITERS} parked virtual threads in the queue:
 *       FIFO wakes each in turn, LIFO wakes the one that queued last (still warm in cache).</li>
 *   <li>{@link #exchangeResumedOnIoThread}: the async model's hand-off: {@code execute} on an idle
 *       XNIO I/O thread, which must be woken from its selector.</li>
 * </ul>
 *
 * <p>Run (about 1 minute):
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar HandOffBenchmark
 * </pre>
 * Read {@code us/op}: one op is one hand-off (plus the waiter's next offer and the signal).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HandOffBenchmark {
    static final int PARKED_WAITERS = 4;
    private static final int QUEUE_CAPACITY = 64;
    private static final long NO_QUEUE_TIMEOUT = 0;
    private static final long CODEL_INTERVAL_MILLIS = 100;
    private static final long CODEL_TARGET_MILLIS = 5;

    /** A lane of one worker, held by the calling thread's own request. */
    static Lane oneWorkerHeld(Discipline discipline) {
        Lane lane = new Lane(discipline,
                new LaneSettings(1, QUEUE_CAPACITY, NO_QUEUE_TIMEOUT, CODEL_INTERVAL_MILLIS, CODEL_TARGET_MILLIS));
        requireAdmission(lane.offer(new NeverShed()), Admission.SERVE_NOW);
        return lane;
    }

    static void requireAdmission(Admission actual, Admission expected) {
        if (actual != expected) {
            throw new IllegalStateException("the lane answered " + actual + " where " + expected + " was due");
        }
    }

    /** The threads model: the waiter and the lane, nothing else. */
    @State(Scope.Thread)
    public static class SameThread {
        Lane lane;

        @Setup
        public void queueOne() {
            lane = oneWorkerHeld(Discipline.FIFO);
            requireAdmission(lane.offer(new NeverShed()), Admission.QUEUED);
        }
    }

    @Benchmark
    public Admission platformThreadServesNextItself(SameThread state) {
        Waiter next = state.lane.release(); // granted: this thread serves it now, nothing to wake
        return state.lane.offer(next);      // the next request queues: the same state for the next op
    }

    /** A pool of one platform thread, idle in its queue, and a waiting request for it. */
    @State(Scope.Thread)
    public static class IdlePool {
        final Signal ran = new Signal();
        final Waiter waiter = new NeverShed();
        Lane lane;
        ThreadPoolExecutor pool;
        Runnable serve;

        @Setup
        public void start() {
            lane = oneWorkerHeld(Discipline.FIFO);
            requireAdmission(lane.offer(waiter), Admission.QUEUED);
            pool = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
                Thread thread = new Thread(runnable, "fifo-worker-1");
                thread.setDaemon(true);
                return thread;
            });
            pool.prestartAllCoreThreads();
            serve = () -> {
                requireAdmission(lane.offer(waiter), Admission.QUEUED);
                ran.raise();
            };
        }

        @TearDown
        public void stop() throws InterruptedException {
            pool.shutdownNow();
            if (!pool.awaitTermination(Signal.BOUND_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the pool did not stop");
            }
        }
    }

    @Benchmark
    public long pooledTaskWakesIdleThread(IdlePool state) {
        long seen = state.ran.count();
        state.lane.release();
        state.pool.execute(state.serve);
        return state.ran.awaitAbove(seen);
    }

    /** {@value #PARKED_WAITERS} virtual threads, each parked in the lane as the virtual-threads model parks. */
    @State(Scope.Thread)
    public static class ParkedThreads {
        @Param({"fifo", "lifo"})
        public String discipline;

        final Signal queued = new Signal();
        final List<ParkedWaiter> waiters = new ArrayList<>();
        Lane lane;

        @Setup
        public void start() {
            lane = oneWorkerHeld(Discipline.fromWireName(discipline).orElseThrow());
            for (int i = 0; i < PARKED_WAITERS; i++) {
                ParkedWaiter waiter = new ParkedWaiter(lane, queued);
                waiter.thread = Thread.ofVirtual().name("request-" + i).unstarted(waiter);
                waiters.add(waiter);
                waiter.thread.start();
            }
            queued.awaitAbove(PARKED_WAITERS - 1);
        }

        @TearDown
        public void stop() throws InterruptedException {
            for (ParkedWaiter waiter : waiters) {
                waiter.stop();
            }
            for (ParkedWaiter waiter : waiters) {
                if (!waiter.thread.join(Duration.ofSeconds(Signal.BOUND_SECONDS))) {
                    throw new IllegalStateException("a parked waiter did not stop");
                }
            }
        }
    }

    @Benchmark
    public long parkedVirtualThreadGranted(ParkedThreads state) {
        long seen = state.queued.count();
        ((ParkedWaiter) state.lane.release()).grant();
        return state.queued.awaitAbove(seen);
    }

    /** One XNIO I/O thread, idle in its selector, and a suspended request of its own. */
    @State(Scope.Thread)
    public static class IdleIoThread {
        final Signal ran = new Signal();
        final Waiter waiter = new NeverShed();
        Lane lane;
        XnioLoop loop;
        XnioIoThread ioThread;
        Runnable resume;

        @Setup
        public void start() throws IOException {
            lane = oneWorkerHeld(Discipline.FIFO);
            requireAdmission(lane.offer(waiter), Admission.QUEUED);
            loop = new XnioLoop();
            ioThread = loop.ioThread();
            resume = () -> {
                requireAdmission(lane.offer(waiter), Admission.QUEUED);
                ran.raise();
            };
        }

        @TearDown
        public void stop() throws InterruptedException {
            loop.close();
        }
    }

    @Benchmark
    public long exchangeResumedOnIoThread(IdleIoThread state) {
        long seen = state.ran.count();
        state.lane.release();
        state.ioThread.execute(state.resume);
        return state.ran.awaitAbove(seen);
    }

    /**
     * A virtual thread that queues in the lane, parks until granted, and queues again, as the
     * virtual-threads model's {@code ParkedRequest} waits. Threading: {@link #run} on its own
     * virtual thread; {@link #grant} and {@link #stop} on the benchmark thread.
     */
    static final class ParkedWaiter extends Waiter implements Runnable {
        private final Lane lane;
        private final Signal queued;
        private volatile boolean granted;
        private volatile boolean stopped;
        Thread thread;

        ParkedWaiter(Lane lane, Signal queued) {
            this.lane = lane;
            this.queued = queued;
        }

        @Override
        public void run() {
            while (!stopped) {
                granted = false;
                requireAdmission(lane.offer(this), Admission.QUEUED);
                queued.raise();
                while (!granted && !stopped) {
                    LockSupport.park(this);
                }
            }
        }

        void grant() {
            granted = true;
            LockSupport.unpark(thread);
        }

        void stop() {
            stopped = true;
            LockSupport.unpark(thread);
        }

        @Override
        protected void onShed() {
            throw new IllegalStateException("a lane without a queue timeout shed a waiter");
        }
    }

    /** A request in a lane that has no queue timeout, so it is never shed. */
    static final class NeverShed extends Waiter {
        @Override
        protected void onShed() {
            throw new IllegalStateException("a lane without a queue timeout shed a waiter");
        }
    }
}
