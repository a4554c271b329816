package dev.loadlab.client.record;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * How late the machine wakes a sleeping thread of the client's, measured beside a run: a daemon
 * thread at the client's own priority sleeps {@link #PERIOD_NANOS} at a time and records how much
 * later than asked each sleep ended. The open loop's event loop keeps its timetable by the same
 * kind of timed sleep in the kernel, and the JVM's pauses stop both alike; so a dispatch lag about
 * as large as this is the machine's scheduling (or the JVM's pauses), and one much larger is the
 * generator's own work. The probe costs one wake-up per period: on this kind of VM tens of
 * microseconds of CPU each (measured: 180 ms of the client's 1,550 over 15 s at 1,000 req/s).
 *
 * <p>Threading: {@link #start}, {@link #startMeasuring}, {@link #finish} and {@link #close} are
 * called by the run's thread; the probe's thread only records, into a {@link Recorder} (a
 * wait-free single writer, read by interval swaps).
 */
public final class WakeupProbe implements AutoCloseable {
    /**
     * How long each sleep asks for: 200 wake-ups a second, a fifth of the open loop's grid at
     * most, and 400 samples in a 2 s run (its p99 is then the fifth latest).
     */
    public static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);

    private final Recorder lateMicros = new Recorder(HIGHEST_MICROS, 3);
    private final Thread thread = Thread.ofPlatform().daemon().name("wakeup-probe").unstarted(this::probe);
    private volatile boolean stopping;

    private WakeupProbe() {
    }

    /** A probe already sleeping and recording. */
    public static WakeupProbe start() {
        WakeupProbe probe = new WakeupProbe();
        probe.thread.start();
        return probe;
    }

    /** Forgets what was recorded so far (the warm-up's wake-ups). */
    public void startMeasuring() {
        lateMicros.reset();
    }

    /** Stops the probe and returns what it recorded since {@link #startMeasuring}. */
    public Latency finish() throws InterruptedException {
        close();
        thread.join();
        return Latency.of(lateMicros.getIntervalHistogram());
    }

    boolean running() {
        return thread.isAlive();
    }

    private void probe() {
        while (!stopping) {
            long due = System.nanoTime() + PERIOD_NANOS;
            long now;
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(due - now); // may return early: sleep on until due
                if (stopping) {
                    return;
                }
            }
            lateMicros.recordValue(Math.min(HIGHEST_MICROS, (now - due) / 1_000));
        }
    }

    /** Stops the probe's thread (it may still be ending when this returns); idempotent. */
    @Override
    public void close() {
        stopping = true;
        LockSupport.unpark(thread);
    }

    /**
     * The wake-ups recorded: how many, and how late (median, p99, the latest), in milliseconds.
     *
     * @param periodMs each sleep's length, asked for
     */
    public record Latency(double periodMs, long samples, double p50Ms, double p99Ms, double maxMs) {
        static Latency of(Histogram lateMicros) {
            return new Latency(PERIOD_NANOS / 1e6, lateMicros.getTotalCount(),
                    lateMicros.getValueAtPercentile(50) / 1e3, lateMicros.getValueAtPercentile(99) / 1e3,
                    lateMicros.getMaxValue() / 1e3);
        }
    }
}
