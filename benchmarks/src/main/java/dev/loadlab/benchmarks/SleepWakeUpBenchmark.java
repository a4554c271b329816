package dev.loadlab.benchmarks;

import java.io.IOException;
import java.time.Duration;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.xnio.XnioIoThread;

/**
 * How late a 1 ms wait wakes up: {@code Thread.sleep(1)} on a platform thread and on a virtual
 * thread, and a 1 ms XNIO timer ({@code executeAfter}) on an I/O thread.
 *
 * <p>Why: the servers' {@code io_ms} is exactly these waits (the threads and virtual-threads
 * models sleep, the async model arms a timer on the exchange's I/O thread), so every simulated
 * I/O lasts {@code io_ms} plus this lateness. wrk-compare's io_ms=10 runs measured p50 10.7 ms
 * with {@code Thread.sleep} and 11.6 ms with XNIO's timer: this shows whose lateness that is, with
 * percentiles, without HTTP.
 *
 * <p>One op: the time between two wake-ups of a ticker that waits 1 ms again and again, on its own
 * thread (a platform thread, a virtual thread, or a timer that re-arms itself on the I/O thread);
 * the benchmark thread spins until the next tick, so that its own wake-up is not counted (on 2
 * cores it takes one; the ticker and the JDK's or XNIO's timer machinery have the other). 1000 us
 * is exact; anything above is lateness.
 *
 * <p>Run (about 30 s):
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar SleepWakeUpBenchmark
 * </pre>
 * Read the sample-time percentiles ({@code p0.50}, {@code p0.99}) in {@code us/op}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SleepWakeUpBenchmark {
    static final long WAIT_MILLIS = 1;

    /** A thread of one kind that sleeps {@value #WAIT_MILLIS} ms in a loop and signals each wake-up. */
    public abstract static class SleepingTicker {
        final Signal ticks = new Signal();
        private volatile boolean stopped;
        private Thread thread;

        abstract Thread.Builder threads();

        @Setup
        public void start() {
            thread = threads().start(() -> {
                try {
                    while (!stopped) {
                        Thread.sleep(WAIT_MILLIS);
                        ticks.raise();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            ticks.awaitAbove(0);
        }

        @TearDown
        public void stop() throws InterruptedException {
            stopped = true;
            if (!thread.join(Duration.ofSeconds(Signal.BOUND_SECONDS))) {
                throw new IllegalStateException("the ticker did not stop");
            }
        }
    }

    @State(Scope.Thread)
    public static class PlatformTicker extends SleepingTicker {
        @Override
        Thread.Builder threads() {
            return Thread.ofPlatform().name("sleeper").daemon(true);
        }
    }

    @State(Scope.Thread)
    public static class VirtualTicker extends SleepingTicker {
        @Override
        Thread.Builder threads() {
            return Thread.ofVirtual().name("sleeper");
        }
    }

    /** A task that re-arms itself {@value #WAIT_MILLIS} ms ahead on an XNIO I/O thread, as the async model waits. */
    @State(Scope.Thread)
    public static class TimerTicker {
        final Signal ticks = new Signal();
        private volatile boolean stopped;
        private XnioLoop loop;

        @Setup
        public void start() throws IOException {
            loop = new XnioLoop();
            XnioIoThread ioThread = loop.ioThread();
            ioThread.execute(new Runnable() {
                @Override
                public void run() {
                    if (!stopped) {
                        ioThread.executeAfter(() -> {
                            ticks.raise();
                            run();
                        }, WAIT_MILLIS, TimeUnit.MILLISECONDS);
                    }
                }
            });
            ticks.awaitAbove(0);
        }

        @TearDown
        public void stop() throws InterruptedException {
            stopped = true;
            loop.close();
        }
    }

    @Benchmark
    public long platformThreadSleep(PlatformTicker ticker) {
        return ticker.ticks.awaitAbove(ticker.ticks.count());
    }

    @Benchmark
    public long virtualThreadSleep(VirtualTicker ticker) {
        return ticker.ticks.awaitAbove(ticker.ticks.count());
    }

    @Benchmark
    public long xnioTimer(TimerTicker ticker) {
        return ticker.ticks.awaitAbove(ticker.ticks.count());
    }
}
