package dev.loadlab.benchmarks;

import dev.loadlab.balancer.backend.Backend;
import dev.loadlab.balancer.backend.BenchmarkBackends;
import dev.loadlab.balancer.strategy.PrequalSettings;
import dev.loadlab.balancer.strategy.ProbePool;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Prequal's probe-pool update: one probe answer entering a full {@link ProbePool}.
 *
 * <p>Why: prequal sends {@code probesPerRequest} probes per request (3 by default), so the
 * balancer's I/O threads take about three answers per request into the pool, under the pool's one
 * lock. Each answer retires stale probes, records its requests in flight in the
 * {@code HISTORY}-entry history and sorts it again to move the hot threshold, and replaces the
 * backend's probe or evicts the oldest. The sort makes this the most expensive step of prequal;
 * this says how expensive.
 *
 * <p>One op: one {@code add}, in the steady state of a busy balancer: the pool full (16 probes of
 * the defaults), the history full, answers coming from 64 backends in turn (so most evict the
 * oldest probe), each with that backend's in-flight count and latency.
 *
 * <p>Run (about 10 s):
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar ProbePoolBenchmark
 * </pre>
 * Read {@code ns/op}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ProbePoolBenchmark {
    private static final int BACKENDS = 64;

    private ProbePool pool;
    private List<Backend> backends;
    private int next;

    @Setup
    public void fill() {
        pool = new ProbePool(PrequalSettings.DEFAULTS);
        backends = BenchmarkBackends.healthy(BACKENDS);
        for (int i = 0; i < 2 * BACKENDS; i++) {
            answerNext();
        }
    }

    @Benchmark
    public int answer() {
        return answerNext();
    }

    private int answerNext() {
        Backend backend = backends.get(next);
        next = (next + 1) % BACKENDS;
        int inFlight = backend.inFlight() + (next & 7);
        pool.add(backend, inFlight, TimeUnit.MILLISECONDS.toNanos(1 + next % 7), System.nanoTime());
        return inFlight;
    }
}
