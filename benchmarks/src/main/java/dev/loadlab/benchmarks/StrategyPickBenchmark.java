package dev.loadlab.benchmarks;

import dev.loadlab.balancer.backend.Backend;
import dev.loadlab.balancer.backend.BenchmarkBackends;
import dev.loadlab.balancer.backend.ProbeSender;
import dev.loadlab.balancer.strategy.PrequalSettings;
import dev.loadlab.balancer.strategy.Strategy;
import dev.loadlab.balancer.strategy.StrategyName;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The balancer's choice: one {@code Strategy.pick} per strategy, over 4 and 64 backends, from one
 * thread and from two at once.
 *
 * <p>Why: the balancer picks once per request on its I/O threads (one per core), so a pick is
 * paid at the balancer's full request rate, and the strategies that keep shared state (the
 * weighted round-robin's monitor, prequal's probe pool and its lock, the backends' latency
 * averages) are contended by those threads. The strategy study compares what the strategies
 * achieve; this is what each costs to ask.
 *
 * <p>The backends are the balancer's own {@link Backend}s, healthy and with figures of their own
 * (in flight 0 to 4, weights 1 to 3, one latency sample of 1 to 7 ms), all of them candidates, in
 * a list made once (the balancer builds one per request: not measured here). Prequal's probes are
 * answered at once, on the picking thread, with the backend's figures: its row includes the
 * {@value #PROBES} probe answers each pick causes ({@code ProbePoolBenchmark} measures one) and
 * none of the HTTP that sends them.
 *
 * <ul>
 *   <li>{@link #pick}: one thread, per {@code strategy} and {@code backends}.</li>
 *   <li>{@link #pickFromTwoThreads}: two threads picking from one strategy at once ({@code @Group}),
 *       over 4 backends: ns per pick per thread.</li>
 * </ul>
 *
 * <p>Run (about 2 minutes):
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar StrategyPickBenchmark
 * </pre>
 * Read {@code ns/op}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StrategyPickBenchmark {
    static final int PROBES = 3;
    private static final int CONTENDED_BACKENDS = 4;

    static Strategy create(String strategy) {
        StrategyName name = StrategyName.fromWireName(strategy).orElseThrow(() -> new IllegalArgumentException(
                "strategy must be one of " + StrategyName.wireNames() + ", got " + strategy));
        return name.create(new PrequalSettings(PROBES, 16, 3, 1_000, 0.84), new AnsweringProbeSender());
    }

    @State(Scope.Benchmark)
    public static class OneThread {
        @Param({"round-robin", "random", "least-connections", "power-of-two", "weighted-round-robin", "peak-ewma",
                "prequal"})
        public String strategy;

        @Param({"4", "64"})
        public int backends;

        Strategy chooser;
        List<Backend> candidates;

        @Setup
        public void create() {
            chooser = StrategyPickBenchmark.create(strategy);
            candidates = BenchmarkBackends.healthy(backends);
        }
    }

    @Benchmark
    public Backend pick(OneThread state) {
        return state.chooser.pick(state.candidates);
    }

    @State(Scope.Group)
    public static class TwoThreads {
        @Param({"round-robin", "random", "least-connections", "power-of-two", "weighted-round-robin", "peak-ewma",
                "prequal"})
        public String strategy;

        Strategy chooser;
        List<Backend> candidates;

        @Setup
        public void create() {
            chooser = StrategyPickBenchmark.create(strategy);
            candidates = BenchmarkBackends.healthy(CONTENDED_BACKENDS);
        }
    }

    @Benchmark
    @Group("pickFromTwoThreads")
    @GroupThreads(2)
    public Backend pickFromTwoThreads(TwoThreads state) {
        return state.chooser.pick(state.candidates);
    }

    /**
     * Answers every probe at once with the backend's own figures, as a backend's {@code /probe}
     * would a moment later. Threading: called on the picking thread.
     */
    private static final class AnsweringProbeSender implements ProbeSender {
        @Override
        public void send(Backend target, Answers answers) {
            answers.answered(target, target.inFlight(), (long) target.ewmaLatencyNanos(System.nanoTime()));
        }

        @Override
        public Map<String, Long> stats() {
            return Map.of();
        }
    }
}
