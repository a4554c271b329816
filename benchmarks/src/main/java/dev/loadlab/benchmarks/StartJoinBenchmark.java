package dev.loadlab.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a thread costs to have at all: start one that does nothing, and wait for it to end.
 *
 * <p>Why: the virtual-threads server starts a virtual thread for every request, and the
 * platform-thread server, given more workers than it has threads, starts platform threads while
 * it serves (scale-check's 10,000 of them). If a virtual thread's start and join costs a
 * microsecond or two against a platform thread's tens, a thread per request is affordable for one
 * and not the other, whatever else they do.
 *
 * <p>One op: {@code start()} a thread with an empty body, then {@code join()} it from the
 * benchmark thread (a platform thread, which parks in {@code join} and is woken when the thread
 * ends: that wake-up is in both rows).
 *
 * <p>Run (about 20 s):
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar StartJoinBenchmark
 * </pre>
 * Read {@code us/op}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StartJoinBenchmark {
    private static final Runnable NOTHING = () -> { };

    @Benchmark
    public void platformThread() throws InterruptedException {
        Thread.ofPlatform().start(NOTHING).join();
    }

    @Benchmark
    public void virtualThread() throws InterruptedException {
        Thread.ofVirtual().start(NOTHING).join();
    }
}
