package dev.loadlab.client.output;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
 * answers carry no {@code X-Backend} writes the header alone. As a sink it is called by one
 * thread at a time ({@link IntervalSink}); {@link #read} and {@link #write} serve {@code client
 * merge}, which adds the generators' files.
 */
public final class BackendIntervalsFile implements IntervalSink {
    public static final String FILE_NAME = "backends.csv";
    public static final String HEADER = "from_s,to_s,backend,answers";

    /** One line: a backend's answers in {@code [fromSeconds, toSeconds)} after the measured start. */
    public record Answers(double fromSeconds, double toSeconds, String backend, long answers) {
        String line() {
            return String.format(Locale.ROOT, "%.3f,%.3f,%s,%d", fromSeconds, toSeconds, backend, answers);
        }
    }

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
                stream.println(new Answers(fromNanos / 1e9, toNanos / 1e9, backend.getKey(), answers).line());
            }
        }
    }

    @Override
    public void finished() {
        stream.close();
    }

    /**
     * The lines of a {@code backends.csv}, in file order.
     *
     * @throws IllegalArgumentException naming the line, if the file is not one this class wrote
     */
    public static List<Answers> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        if (lines.isEmpty() || !lines.getFirst().equals(HEADER)) {
            throw new IllegalArgumentException(file + " does not begin with the header " + HEADER);
        }
        List<Answers> answers = new ArrayList<>();
        for (int number = 2; number <= lines.size(); number++) {
            String[] fields = lines.get(number - 1).split(",", -1);
            try {
                if (fields.length != 4 || fields[2].isEmpty()) {
                    throw new NumberFormatException("4 fields expected");
                }
                answers.add(new Answers(Double.parseDouble(fields[0]), Double.parseDouble(fields[1]), fields[2],
                        Long.parseLong(fields[3])));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + " line " + number + " is not from_s,to_s,backend,answers: '"
                        + lines.get(number - 1) + "'");
            }
        }
        return answers;
    }

    /** Writes {@code answers} as {@code directory/backends.csv}, in the order given. */
    public static void write(Path directory, List<Answers> answers) throws IOException {
        List<String> lines = new ArrayList<>(List.of(HEADER));
        answers.forEach(line -> lines.add(line.line()));
        Files.write(directory.resolve(FILE_NAME), lines);
    }

    /** True if any write failed (a full disk, say). */
    public boolean failed() {
        return stream.checkError();
    }
}
