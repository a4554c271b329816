package dev.loadlab.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;

/**
 * Many requests waiting at once, each for 1 ms of simulated I/O: {@code count} parked virtual
 * threads, {@code count} blocked platform threads, or {@code count} XNIO timers on one I/O
 * thread. How long until all of them have woken, and what each waiter costs in memory.
 *
 * <p>Why: scale-check holds 10,000 requests in flight on each server; the platform-thread server
 * needs 10,000 threads for that, the virtual-thread server 10,000 virtual threads, the async server
 * 10,000 timers. This is what each of those waiters costs, without sockets: in time, when they all
 * wake together, and in memory while they wait.
 *
 * <p>One op: the benchmark thread releases every waiter at once (it unparks each thread, or arms
 * each timer from a task on the I/O thread, as the async model arms its own); each waits 1 ms
 * ({@code Thread.sleep(1)}, or the timer) and counts down; the last wakes the benchmark thread. The
 * ideal is 1 ms; the excess is the cost of starting, waking and scheduling {@code count} waiters.
 * The threads live for the whole trial: starting them ({@code StartJoinBenchmark}) is not timed.
 *
 * <p>Memory per waiter, measured once per trial when the waiters are created (and parked, or, for
 * timers, armed an hour ahead and then cancelled), reported as the secondary results
 * {@code heapBytesPerWaiter} (heap used after a full GC, before and after) and
 * {@code rssBytesPerWaiter} (the process's resident set, {@code VmRSS}: thread stacks are outside
 * the heap). Both are per waiter and the same in every iteration; JMH prints their unit as
 * {@code #}: it is bytes.
 *
 * <p>Run (about 2 minutes):
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar ManyWaitersBenchmark
 * </pre>
 * Read {@code ms/op} per {@code waiter} and {@code count}, and the two memory lines.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ManyWaitersBenchmark {
    static final long WAIT_MILLIS = 1;
    /** How far ahead the timers measured for memory are armed: they never fire. */
    private static final long NEVER_MILLIS = TimeUnit.HOURS.toMillis(1);

    @State(Scope.Benchmark)
    public static class Crowd {
        /** {@code virtual-thread}, {@code platform-thread} or {@code xnio-timer}. */
        @Param({"virtual-thread", "platform-thread", "xnio-timer"})
        public String waiter;

        @Param({"100", "1000", "10000"})
        public int count;

        final AtomicInteger remaining = new AtomicInteger();
        final List<ParkedSleeper> sleepers = new ArrayList<>();
        volatile Thread benchmarkThread;
        XnioLoop loop;
        XnioIoThread ioThread;
        Runnable armTimers;
        long heapBytesPerWaiter;
        long rssBytesPerWaiter;

        @Setup
        public void create() throws IOException, InterruptedException {
            switch (waiter) {
                case "virtual-thread" -> startSleepers(Thread.ofVirtual().name("request-", 0));
                case "platform-thread" -> startSleepers(Thread.ofPlatform().name("request-", 0).daemon(true));
                case "xnio-timer" -> startTimers();
                default -> throw new IllegalArgumentException(
                        "waiter must be virtual-thread, platform-thread or xnio-timer, got " + waiter);
            }
        }

        private void startTimers() throws IOException, InterruptedException {
            loop = new XnioLoop();
            ioThread = loop.ioThread();
            Runnable wake = this::countDown;
            armTimers = () -> {
                for (int i = 0; i < count; i++) {
                    ioThread.executeAfter(wake, WAIT_MILLIS, TimeUnit.MILLISECONDS);
                }
            };
            measureTimers();
        }

        private void startSleepers(Thread.Builder threads) {
            long heapBefore = heapUsedAfterGc();
            long rssBefore = residentBytes();
            for (int i = 0; i < count; i++) {
                ParkedSleeper sleeper = new ParkedSleeper(this);
                sleeper.thread = threads.unstarted(sleeper);
                sleepers.add(sleeper);
                sleeper.thread.start();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Signal.BOUND_SECONDS * 3);
            for (ParkedSleeper sleeper : sleepers) {
                while (!sleeper.parked) {
                    if (System.nanoTime() - deadline > 0) {
                        throw new IllegalStateException("the waiters did not all start");
                    }
                    Thread.onSpinWait();
                }
            }
            recordGrowth(heapBefore, rssBefore);
        }

        /** Timers armed an hour ahead, measured while pending, then cancelled. */
        private void measureTimers() throws InterruptedException {
            List<XnioExecutor.Key> keys = new ArrayList<>(count);
            long heapBefore = heapUsedAfterGc();
            long rssBefore = residentBytes();
            onIoThread(() -> {
                for (int i = 0; i < count; i++) {
                    keys.add(ioThread.executeAfter(() -> { }, NEVER_MILLIS, TimeUnit.MILLISECONDS));
                }
            });
            recordGrowth(heapBefore, rssBefore);
            onIoThread(() -> keys.forEach(XnioExecutor.Key::remove));
        }

        /**
         * The growth since the figures before, per waiter. A fall (the heap gave pages back, or the
         * resident set shrank meanwhile) is noise larger than the waiters and reads as 0.
         */
        private void recordGrowth(long heapBefore, long rssBefore) {
            heapBytesPerWaiter = Math.max(0, heapUsedAfterGc() - heapBefore) / count;
            rssBytesPerWaiter = Math.max(0, residentBytes() - rssBefore) / count;
        }

        private void onIoThread(Runnable task) throws InterruptedException {
            Signal done = new Signal();
            ioThread.execute(() -> {
                task.run();
                done.raise();
            });
            done.awaitAbove(0);
        }

        void countDown() {
            if (remaining.decrementAndGet() == 0) {
                LockSupport.unpark(benchmarkThread);
            }
        }

        @TearDown
        public void stop() throws InterruptedException {
            for (ParkedSleeper sleeper : sleepers) {
                sleeper.stopped = true;
                LockSupport.unpark(sleeper.thread);
            }
            for (ParkedSleeper sleeper : sleepers) {
                if (!sleeper.thread.join(Duration.ofSeconds(Signal.BOUND_SECONDS))) {
                    throw new IllegalStateException("a waiter did not stop");
                }
            }
            if (loop != null) {
                loop.close();
            }
        }
    }

    /**
     * The memory per waiter of the trial, as JMH secondary results (unit {@code #}: bytes). JMH
     * zeroes these fields after every iteration's set-up, so each op sets them again.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class MemoryPerWaiter {
        public long heapBytesPerWaiter;
        public long rssBytesPerWaiter;
    }

    @Benchmark
    public void wakeAll(Crowd crowd, MemoryPerWaiter memory) {
        memory.heapBytesPerWaiter = crowd.heapBytesPerWaiter;
        memory.rssBytesPerWaiter = crowd.rssBytesPerWaiter;
        crowd.benchmarkThread = Thread.currentThread();
        crowd.remaining.set(crowd.count);
        if (crowd.ioThread != null) {
            crowd.ioThread.execute(crowd.armTimers);
        } else {
            for (ParkedSleeper sleeper : crowd.sleepers) {
                sleeper.release();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Signal.BOUND_SECONDS);
        while (crowd.remaining.get() > 0) {
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(crowd.remaining.get() + " waiters had not woken after "
                        + Signal.BOUND_SECONDS + " s");
            }
        }
    }

    /**
     * A request's thread: parked until released, then sleeps {@value #WAIT_MILLIS} ms, counts down
     * and parks again. Threading: {@link #run} on its own thread; {@link #release} on the benchmark thread.
     */
    static final class ParkedSleeper implements Runnable {
        private final Crowd crowd;
        private final AtomicInteger releases = new AtomicInteger();
        volatile boolean parked;
        volatile boolean stopped;
        Thread thread;

        ParkedSleeper(Crowd crowd) {
            this.crowd = crowd;
        }

        void release() {
            releases.incrementAndGet();
            LockSupport.unpark(thread);
        }

        @Override
        public void run() {
            int served = 0;
            while (!stopped) {
                parked = true;
                while (releases.get() == served && !stopped) {
                    LockSupport.park(this);
                }
                if (stopped) {
                    return;
                }
                served++;
                try {
                    Thread.sleep(WAIT_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                crowd.countDown();
            }
        }
    }

    static long heapUsedAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** {@code VmRSS} of this process, in bytes; 0 where there is no {@code /proc}. */
    static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException noProc) {
            return 0;
        }
        return 0;
    }
}
