package dev.loadlab.benchmarks;

import dev.loadlab.api.work.CpuWork;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How close {@code CpuWork.burn(ms)} comes to {@code ms} of computation: the servers' {@code cpu_ms}
 * parameter is only as good as this.
 *
 * <p>Why: {@code burn} computes until a deadline, checking the clock every 1024 xorshift rounds. It
 * should overshoot by no more than one such batch (a few microseconds), whatever the JIT does; if
 * the JIT removed the loop, it would return early, which this benchmark would show as less than
 * {@code ms}. No {@code Blackhole} is needed: {@code burn} publishes its result to a volatile field
 * itself, which is the very property under test.
 *
 * <p>Sample time mode records every call, so the percentiles show the spread, not just the mean;
 * on a shared 2-core machine, descheduling shows up in the top percentiles as overshoot.
 *
 * <p>Run (about 1 minute):
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar CpuWorkBenchmark
 * </pre>
 * Read {@code us/op} next to {@code millis}: 1000 us for {@code millis=1} is perfect; the
 * {@code p0.00} line must not be below 1000 (it never returns early).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class CpuWorkBenchmark {
    @Param({"1", "10"})
    public long millis;

    @Benchmark
    public void burn() {
        CpuWork.burn(millis);
    }
}
