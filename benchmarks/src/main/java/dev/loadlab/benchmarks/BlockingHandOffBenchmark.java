package dev.loadlab.benchmarks;

import java.time.Duration;
import java.util.concurrent.Exchanger;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A blocking hand-off between two threads, {@link SynchronousQueue} and {@link Exchanger}, between
 * two platform threads and between two virtual threads.
 *
 * <p>Why: a blocking call that must wait for another thread is the whole difference between the
 * models: a platform thread parks in the kernel and the kernel wakes it; a virtual thread unmounts,
 * and is mounted again by the JDK's scheduler on a carrier. This is that difference alone, with no
 * lane and no server around it: a handler written in blocking style pays it at every wait.
 *
 * <p>One op: one hand-off: a {@code put} met by a {@code take}, or one {@code exchange} (both
 * sides meet, the first to arrive waits for the second). Each invocation starts two threads of
 * the {@code threads} kind that do {@value #HAND_OFFS} of them back and forth, and joins them; starting and joining two threads ({@code StartJoinBenchmark}) is spread over
 * those hand-offs, under 1% of each.
 *
 * <p>Run (about 40 s):
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar BlockingHandOffBenchmark
 * </pre>
 * Read {@code us/op} per {@code threads}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class BlockingHandOffBenchmark {
    static final int HAND_OFFS = 2_000;
    private static final Integer TOKEN = 1;

    /** {@code platform} or {@code virtual}: the kind of both threads. */
    @Param({"platform", "virtual"})
    public String threads;

    @Benchmark
    @OperationsPerInvocation(HAND_OFFS)
    public void synchronousQueue() throws InterruptedException {
        SynchronousQueue<Integer> there = new SynchronousQueue<>();
        SynchronousQueue<Integer> back = new SynchronousQueue<>();
        runPair(() -> {
            for (int i = 0; i < HAND_OFFS / 2; i++) {
                there.put(TOKEN);
                back.take();
            }
        }, () -> {
            for (int i = 0; i < HAND_OFFS / 2; i++) {
                back.put(there.take());
            }
        });
    }

    @Benchmark
    @OperationsPerInvocation(HAND_OFFS)
    public void exchanger() throws InterruptedException {
        Exchanger<Integer> exchanger = new Exchanger<>();
        Blocking bothSides = () -> {
            for (int i = 0; i < HAND_OFFS; i++) {
                exchanger.exchange(TOKEN);
            }
        };
        runPair(bothSides, bothSides);
    }

    private void runPair(Blocking first, Blocking second) throws InterruptedException {
        Thread.Builder builder = threads.equals("virtual") ? Thread.ofVirtual() : Thread.ofPlatform();
        Thread a = builder.start(first.unchecked());
        Thread b = builder.start(second.unchecked());
        Duration bound = Duration.ofSeconds(Signal.BOUND_SECONDS);
        if (!a.join(bound) || !b.join(bound)) {
            a.interrupt();
            b.interrupt();
            throw new IllegalStateException("the hand-offs did not end within " + bound.toSeconds() + " s");
        }
    }

    /** One side's loop of blocking calls. */
    @FunctionalInterface
    private interface Blocking {
        void run() throws InterruptedException;

        default Runnable unchecked() {
            return () -> {
                try {
                    run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
        }
    }
}
