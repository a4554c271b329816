package dev.loadlab.suite.results;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run's answers per backend per second, as the client wrote them in {@code backends.csv}
 * ({@code from_s,to_s,backend,answers}): what shows each backend's share over time.
 */
public final class BackendIntervals {
    public static final String FILE_NAME = "backends.csv";

    /** Answers per backend, by the interval's start in whole seconds after the measured start. */
    private final TreeMap<Long, Map<String, Long>> bySecond;

    private BackendIntervals(TreeMap<Long, Map<String, Long>> bySecond) {
        this.bySecond = bySecond;
    }

    /** The run's intervals; none if the client wrote no such file (an older client, or a run that failed). */
    public static BackendIntervals read(Path resultDir) throws IOException {
        TreeMap<Long, Map<String, Long>> bySecond = new TreeMap<>();
        Path file = resultDir.resolve(FILE_NAME);
        if (Files.isRegularFile(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] fields = line.split(",");
                if (fields.length != 4) {
                    throw new IOException(file + ": not from_s,to_s,backend,answers: " + line);
                }
                try {
                    long second = Math.round(Double.parseDouble(fields[0]));
                    bySecond.computeIfAbsent(second, s -> new TreeMap<>()).merge(fields[2], Long.parseLong(fields[3]), Long::sum);
                } catch (NumberFormatException e) {
                    throw new IOException(file + ": not from_s,to_s,backend,answers: " + line, e);
                }
            }
        }
        return new BackendIntervals(bySecond);
    }

    /** Answers per backend, by second after the measured start. */
    public TreeMap<Long, Map<String, Long>> bySecond() {
        return bySecond;
    }
}
