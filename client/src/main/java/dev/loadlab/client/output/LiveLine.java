package dev.loadlab.client.output;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import org.HdrHistogram.Histogram;

import dev.loadlab.client.record.HistogramKind;
import dev.loadlab.client.record.IntervalSink;
import dev.loadlab.client.record.RunRecorder;

/**
 * One progress line per second on stderr: elapsed time, completed requests per second,
 * p99 of the last second (from intended send time) and errors. Only used when stderr is a
 * terminal and {@code --quiet} is not given. Called by one thread at a time
 * ({@link IntervalSink}): the sampler's, and the driving thread's for the last interval.
 */
public final class LiveLine implements IntervalSink {
    private final PrintWriter err;
    private long previousCompleted;
    private long previousFailed;

    public LiveLine(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void started(long startEpochMillis) {
        // the first line comes after the first second
    }

    @Override
    public void interval(long fromNanos, long toNanos, Map<HistogramKind, Histogram> intervals,
                         RunRecorder.Counts counts) {
        double seconds = (toNanos - fromNanos) / 1e9;
        if (seconds <= 0) {
            return;
        }
        Histogram latency = intervals.get(HistogramKind.LATENCY);
        long completed = counts.completed() - previousCompleted;
        long failed = counts.failed() - previousFailed;
        previousCompleted = counts.completed();
        previousFailed = counts.failed();
        err.println(String.format(Locale.ROOT, "[%6s] %9.1f req/s  p99 %9s  errors %d (total %d)",
                WrkUnits.formatDuration(Duration.ofSeconds(Math.round(toNanos / 1e9))),
                completed / seconds,
                latency.getTotalCount() == 0 ? "-" : WrkUnits.formatMicros(latency.getValueAtPercentile(99)),
                failed, counts.failed()));
        err.flush();
    }

    @Override
    public void finished() {
        // the result block follows on stdout
    }
}
