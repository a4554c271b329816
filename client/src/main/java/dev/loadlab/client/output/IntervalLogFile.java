package dev.loadlab.client.output;

import java.io.FileNotFoundException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import dev.loadlab.client.record.HistogramKind;
import dev.loadlab.client.record.IntervalSink;
import dev.loadlab.client.record.RunRecorder;

/**
 * Writes {@code histograms.hlog}: an HdrHistogram interval log with one line per histogram
 * kind per second, each tagged with {@link HistogramKind#tag()}. Values are microseconds;
 * the log's max column is in milliseconds. Logs from several runs or machines can be merged
 * without loss with HdrHistogram's {@code HistogramLogReader} / {@code HistogramLogProcessor}
 * ({@code -tag latency}). Interval times are written relative to the log's start time.
 * Called by one thread at a time ({@link IntervalSink}): the sampler's, and the driving
 * thread's for the start, the last interval and the end.
 */
public final class IntervalLogFile implements IntervalSink {
    public static final String FILE_NAME = "histograms.hlog";
    private static final double MICROS_PER_MILLI = 1_000.0;

    private final PrintStream stream;
    private final HistogramLogWriter writer;

    public IntervalLogFile(Path directory, String description) throws FileNotFoundException {
        this.stream = new PrintStream(directory.resolve(FILE_NAME).toFile());
        this.writer = new HistogramLogWriter(stream);
        writer.outputComment("loadlab client: " + description);
        writer.outputComment("values in microseconds; tags: latency, latency_uncorrected, dispatch_lag,"
                + " server_queued, server_service");
    }

    @Override
    public void started(long startEpochMillis) {
        writer.outputLogFormatVersion();
        writer.outputStartTime(startEpochMillis);
        writer.outputLegend();
    }

    @Override
    public void interval(long fromNanos, long toNanos, Map<HistogramKind, Histogram> intervals,
                         RunRecorder.Counts counts) {
        write(fromNanos, toNanos, intervals);
    }

    /** Writes one interval, {@code [fromNanos, toNanos)} after the start, one line per kind: a run's or a merge's. */
    public void write(long fromNanos, long toNanos, Map<HistogramKind, Histogram> intervals) {
        for (HistogramKind kind : HistogramKind.values()) {
            writer.outputIntervalHistogram(fromNanos / 1e9, toNanos / 1e9, intervals.get(kind), MICROS_PER_MILLI);
        }
    }

    @Override
    public void finished() {
        stream.close();
    }

    /** True if any write failed (a full disk, say); the run's other files still record it. */
    public boolean failed() {
        return stream.checkError();
    }
}
