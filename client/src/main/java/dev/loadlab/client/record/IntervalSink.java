package dev.loadlab.client.record;

import java.util.Map;

import org.HdrHistogram.Histogram;

/**
 * Receives each interval of a run from the {@link IntervalSampler}, on one thread at a time.
 * A sink must not keep the histograms: they are recycled for the next interval.
 */
public interface IntervalSink {
    /** The measured phase began at this wall-clock time. */
    void started(long startEpochMillis);

    /**
     * One interval, {@code [fromNanos, toNanos)} after the start, with the run's counters
     * as they stood at its end.
     */
    void interval(long fromNanos, long toNanos, Map<HistogramKind, Histogram> intervals, RunRecorder.Counts counts);

    /** No interval follows. */
    void finished();
}
