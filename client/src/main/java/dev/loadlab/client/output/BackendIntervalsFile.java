package dev.loadlab.client.output;

import java.io.FileNotFoundException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.HdrHistogram.Histogram;

import dev.loadlab.client.record.HistogramKind;
import dev.loadlab.client.record.IntervalSink;
import dev.loadlab.client.record.RunRecorder;

/**
 * Writes {@code backends.csv}: per interval of the interval log (a second), how many answers each
 * backend gave, by the {@code X-Backend} header: {@code from_s,to_s,backend,answers}, one line per
 * backend that answered in the interval, times in seconds after the measured phase's start, as in
 * {@code histograms.hlog}. Behind a balancer this is each backend's share over time; a run whose
 * answers carry no {@code X-Backend} writes the header alone. Called by one thread at a time
 * ({@link IntervalSink}).
 */
public final class BackendIntervalsFile implements IntervalSink {
    public static final String FILE_NAME = "backends.csv";
    public static final String HEADER = "from_s,to_s,backend,answers";

    private final PrintStream stream;
    /** Each backend's answers up to the end of the last interval written. */
    private final Map<String, Long> before = new HashMap<>();

    public BackendIntervalsFile(Path directory) throws FileNotFoundException {
        this.stream = new PrintStream(directory.resolve(FILE_NAME).toFile());
    }

    @Override
    public void started(long startEpochMillis) {
        stream.println(HEADER);
    }

    @Override
    public void interval(long fromNanos, long toNanos, Map<HistogramKind, Histogram> intervals,
                         RunRecorder.Counts counts) {
        for (Map.Entry<String, Long> backend : new TreeMap<>(counts.backends()).entrySet()) {
            long answers = backend.getValue() - before.getOrDefault(backend.getKey(), 0L);
            before.put(backend.getKey(), backend.getValue());
            if (answers > 0) {
                stream.printf(Locale.ROOT, "%.3f,%.3f,%s,%d%n", fromNanos / 1e9, toNanos / 1e9,
                        backend.getKey(), answers);
            }
        }
    }

    @Override
    public void finished() {
        stream.close();
    }

    /** True if any write failed (a full disk, say). */
    public boolean failed() {
        return stream.checkError();
    }
}
