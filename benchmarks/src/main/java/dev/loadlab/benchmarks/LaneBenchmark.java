package dev.loadlab.benchmarks;

import dev.loadlab.api.lane.Admission;
import dev.loadlab.api.lane.Discipline;
import dev.loadlab.api.lane.Lane;
import dev.loadlab.api.lane.LaneSettings;
import dev.loadlab.api.lane.Waiter;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What one request pays for its lane: the {@code offer} that admits it and the {@code release}
 * that frees its worker, per discipline.
 *
 * <p>Why: every request on every server passes through a {@link Lane} twice. Issue 2 asks whether
 * the lane machinery explains the platform-thread server's gap to a bare Undertow pool; if an
 * offer+release pair costs a few dozen nanoseconds uncontended, at 50k requests/s it is far below
 * 1% of a core, and the gap is elsewhere. Contended, the lane's one lock is shared by every thread
 * serving that discipline: {@code @Threads(2)} on this 2-core machine is the worst case the servers
 * can produce here.
 *
 * <ul>
 *   <li>{@link #uncontendedServeNow}: a free worker, so {@code offer} answers SERVE_NOW and
 *       {@code release} finds nobody waiting: the common path.</li>
 *   <li>{@link #uncontendedQueuedHandOff}: one worker; a second request queues and the first
 *       one's {@code release} hands it the worker: the path of every request that waits, where
 *       the discipline picks the waiter.</li>
 *   <li>{@link #contendedServeNow}: the common path from two threads at once on one lane.</li>
 * </ul>
 *
 * <p>Run (about 3 minutes):
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar LaneBenchmark
 * </pre>
 * A quick look: {@code java -jar benchmarks/target/benchmarks.jar LaneBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s}.
 * Read the {@code ns/op} column: one op is one offer plus the releases that end it (one, or two
 * for the hand-off, which serves two requests).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LaneBenchmark {
    /** Far more workers than threads, so that {@code offer} always serves at once. */
    private static final int MANY_WORKERS = 1_000;
    private static final int QUEUE_CAPACITY = 10_000;
    private static final long NO_QUEUE_TIMEOUT = 0;
    private static final long CODEL_INTERVAL_MILLIS = 100;
    private static final long CODEL_TARGET_MILLIS = 5;

    /** One lane shared by every benchmark thread: that sharing is the contention measured. */
    @State(Scope.Benchmark)
    public static class SharedLane {
        @Param({"fifo", "lifo", "adaptive-lifo", "codel"})
        public String discipline;

        Lane manyWorkers;
        Lane oneWorker;

        @Setup
        public void createLanes() {
            Discipline chosen = Discipline.fromWireName(discipline).orElseThrow();
            manyWorkers = new Lane(chosen, settings(MANY_WORKERS));
            oneWorker = new Lane(chosen, settings(1));
        }

        private static LaneSettings settings(int workers) {
            return new LaneSettings(workers, QUEUE_CAPACITY, NO_QUEUE_TIMEOUT, CODEL_INTERVAL_MILLIS, CODEL_TARGET_MILLIS);
        }
    }

    /**
     * Each thread's own requests. A lane hands a waiter back before it is offered again, so one
     * pair per thread is reused and the benchmark measures the lane, not allocation.
     */
    @State(Scope.Thread)
    public static class Requests {
        final Waiter first = new BenchmarkWaiter();
        final Waiter second = new BenchmarkWaiter();
    }

    @Benchmark
    public Waiter uncontendedServeNow(SharedLane lane, Requests requests, Blackhole blackhole) {
        blackhole.consume(lane.manyWorkers.offer(requests.first));
        return lane.manyWorkers.release();
    }

    @Benchmark
    public Waiter uncontendedQueuedHandOff(SharedLane lane, Requests requests, Blackhole blackhole) {
        Lane oneWorker = lane.oneWorker;
        blackhole.consume(oneWorker.offer(requests.first));  // SERVE_NOW
        blackhole.consume(oneWorker.offer(requests.second)); // QUEUED
        blackhole.consume(oneWorker.release());              // hands the worker to second
        return oneWorker.release();                           // null: nobody waits
    }

    @Benchmark
    @Threads(2)
    public Waiter contendedServeNow(SharedLane lane, Requests requests, Blackhole blackhole) {
        Admission admission = lane.manyWorkers.offer(requests.first);
        blackhole.consume(admission);
        return lane.manyWorkers.release();
    }

    /** A request that is never shed: these lanes have no queue timeout and CoDel never congests here. */
    private static final class BenchmarkWaiter extends Waiter {
        @Override
        protected void onShed() {
            throw new IllegalStateException("a lane without a queue timeout shed a waiter");
        }
    }
}
