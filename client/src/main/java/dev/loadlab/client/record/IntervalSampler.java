package dev.loadlab.client.record;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

/**
 * Takes the run's interval histograms once a second, adds them to the run's totals and
 * hands them to the {@link IntervalSink}s (the interval log, the live line).
 *
 * <p><b>Threads.</b> {@link #start}, {@link #finish} and {@link #close} are called by the
 * thread that drives the run. Between start and finish a dedicated platform thread samples;
 * {@link #finish} joins it and takes the last, partial interval itself, so sinks and totals are
 * only ever touched by one thread at a time, and every value recorded before {@code finish} is
 * in the totals. {@link #close} stops the sampler and finishes the sinks of a run that ended
 * without {@code finish} (it threw), and does nothing after {@code finish}.
 */
public final class IntervalSampler implements AutoCloseable {
    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final RunRecorder recorder;
    private final List<IntervalSink> sinks;
    private final EnumMap<HistogramKind, Histogram> totals = new EnumMap<>(HistogramKind.class);
    private final EnumMap<HistogramKind, Histogram> intervals = new EnumMap<>(HistogramKind.class);
    private long startNanos;
    private long startEpochMillis;
    private long intervalStartNanos;
    private volatile boolean stopping;
    private Thread thread;
    private boolean sinksFinished;

    public IntervalSampler(RunRecorder recorder, List<IntervalSink> sinks) {
        this.recorder = recorder;
        this.sinks = List.copyOf(sinks);
        for (HistogramKind kind : HistogramKind.values()) {
            totals.put(kind, RunRecorder.newHistogram());
            intervals.put(kind, recorder.swapInterval(kind, null)); // discards nothing: no value is recorded before start
        }
    }

    /**
     * Starts sampling; the first interval begins at {@code startNanos} ({@link System#nanoTime}).
     * Every histogram it will use was allocated by the constructor.
     */
    public void start(long startNanos, long startEpochMillis) {
        this.startNanos = startNanos;
        this.startEpochMillis = startEpochMillis;
        this.intervalStartNanos = startNanos;
        sinks.forEach(sink -> sink.started(startEpochMillis));
        thread = Thread.ofPlatform().daemon().name("interval-sampler").start(this::sampleEverySecond);
    }

    /**
     * Stops sampling, takes the last interval and returns the run's totals, stamped with the
     * run's start and {@code endNanos}. Call once nothing more will be recorded.
     */
    public Map<HistogramKind, Histogram> finish(long endNanos) throws InterruptedException {
        stopSampling();
        sample(Math.max(endNanos, intervalStartNanos));
        for (Histogram total : totals.values()) {
            total.setStartTimeStamp(startEpochMillis);
            total.setEndTimeStamp(epochMillis(endNanos));
        }
        finishSinks();
        return totals;
    }

    /** Stops sampling and finishes the sinks, if {@link #finish} has not; idempotent. */
    @Override
    public void close() throws InterruptedException {
        try {
            stopSampling();
        } finally {
            finishSinks();
        }
    }

    private void stopSampling() throws InterruptedException {
        stopping = true;
        if (thread != null) {
            LockSupport.unpark(thread);
            thread.join();
        }
    }

    private void finishSinks() {
        if (!sinksFinished) {
            sinksFinished = true;
            sinks.forEach(IntervalSink::finished);
        }
    }

    private void sampleEverySecond() {
        long nextTick = startNanos + INTERVAL_NANOS;
        while (!stopping) {
            long now = System.nanoTime();
            if (now < nextTick) {
                LockSupport.parkNanos(nextTick - now);
                continue;
            }
            sample(nextTick);
            nextTick += INTERVAL_NANOS;
        }
    }

    private void sample(long endNanos) {
        for (HistogramKind kind : HistogramKind.values()) {
            Histogram interval = recorder.swapInterval(kind, intervals.get(kind));
            interval.setTag(kind.tag());
            interval.setStartTimeStamp(epochMillis(intervalStartNanos));
            interval.setEndTimeStamp(epochMillis(endNanos));
            totals.get(kind).add(interval);
            intervals.put(kind, interval);
        }
        RunRecorder.Counts counts = recorder.counts();
        for (IntervalSink sink : sinks) {
            sink.interval(intervalStartNanos - startNanos, endNanos - startNanos, intervals, counts);
        }
        intervalStartNanos = endNanos;
    }

    private long epochMillis(long nanos) {
        return startEpochMillis + TimeUnit.NANOSECONDS.toMillis(nanos - startNanos);
    }
}
