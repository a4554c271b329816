package dev.loadlab.client.merge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;

import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.loadlab.client.output.BackendIntervalsFile;
import dev.loadlab.client.output.IntervalLogFile;
import dev.loadlab.client.output.ResultDocument;
import dev.loadlab.client.output.ResultFiles;
import dev.loadlab.client.record.HistogramKind;

/**
 * One generator's result folder, as {@code client run --output} wrote it: its {@code result.json}
 * (typed), the run's total histograms decoded from it (exact), and its interval log.
 *
 * @param totals    the run's histograms by kind, in microseconds
 * @param intervals every interval histogram of its {@code histograms.hlog}, tagged, with
 *                  absolute start and end time stamps (epoch milliseconds)
 * @param backends  its {@code backends.csv}, times after its own measured start; null if it wrote none
 */
record GeneratorResult(Path directory, ResultDocument document, Map<HistogramKind, Histogram> totals,
                       List<Histogram> intervals, List<BackendIntervalsFile.Answers> backends) {

    /** Reads {@code directory}; refuses a folder that does not hold one generator's complete result. */
    static GeneratorResult read(Path directory) throws MergeRefusedException, IOException {
        Path json = directory.resolve(ResultFiles.JSON_FILE);
        Path log = directory.resolve(IntervalLogFile.FILE_NAME);
        if (!Files.isRegularFile(json)) {
            throw new MergeRefusedException(directory + " holds no " + ResultFiles.JSON_FILE
                    + ": give the --output folders of 'client run'");
        }
        if (!Files.isRegularFile(log)) {
            throw new MergeRefusedException(directory + " holds no " + IntervalLogFile.FILE_NAME
                    + ": its intervals cannot be merged");
        }
        ResultDocument document;
        try {
            document = ResultFiles.jsonMapper().readValue(json.toFile(), ResultDocument.class);
        } catch (JsonProcessingException e) {
            throw new MergeRefusedException(json + " is not a loadlab result: " + e.getOriginalMessage());
        }
        if (document.schemaVersion() != ResultDocument.SCHEMA_VERSION) {
            throw new MergeRefusedException(json + " has schema version " + document.schemaVersion()
                    + "; this client merges version " + ResultDocument.SCHEMA_VERSION);
        }
        if (document.merge() != null) {
            throw new MergeRefusedException(directory + " is already a merged result: merge the generators' own");
        }
        if (document.generator() == null) {
            throw new MergeRefusedException(json + " says nothing of its generator: it was written by a client"
                    + " older than --generator; run it again");
        }
        return new GeneratorResult(directory, document, totals(document, json), intervals(log),
                backends(directory.resolve(BackendIntervalsFile.FILE_NAME)));
    }

    /** When this generator began sending, by its own clock: its timetable's slot 0 plus how late it was. */
    long beganEpochMillis() {
        return Instant.parse(document.startTime()).toEpochMilli() - document.settings().warmupMs()
                + Math.round(document.generator().lateStartMs());
    }

    long startEpochMillis() {
        return Instant.parse(document.startTime()).toEpochMilli();
    }

    /** {@code I/N}. */
    String label() {
        return document.generator().index() + "/" + document.generator().count();
    }

    private static Map<HistogramKind, Histogram> totals(ResultDocument document, Path json)
            throws MergeRefusedException {
        Map<HistogramKind, Histogram> totals = new EnumMap<>(HistogramKind.class);
        for (HistogramKind kind : HistogramKind.values()) {
            var summary = document.histograms() == null ? null : document.histograms().get(kind.tag());
            if (summary == null || summary.encoded() == null) {
                throw new MergeRefusedException(json + " has no encoded '" + kind.tag() + "' histogram");
            }
            try {
                totals.put(kind, summary.decode());
            } catch (DataFormatException | IllegalArgumentException e) {
                throw new MergeRefusedException(json + ": the '" + kind.tag() + "' histogram does not decode");
            }
        }
        return totals;
    }

    private static List<BackendIntervalsFile.Answers> backends(Path file) throws IOException, MergeRefusedException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return BackendIntervalsFile.read(file);
        } catch (IllegalArgumentException e) {
            throw new MergeRefusedException(e.getMessage());
        }
    }

    private static List<Histogram> intervals(Path log) throws IOException, MergeRefusedException {
        List<Histogram> intervals = new ArrayList<>();
        try (HistogramLogReader reader = new HistogramLogReader(log.toFile())) {
            EncodableHistogram next;
            while ((next = reader.nextIntervalHistogram()) != null) {
                if (!(next instanceof Histogram interval) || HistogramKind.ofTag(interval.getTag()).isEmpty()) {
                    throw new MergeRefusedException(log + " holds an interval that is not a loadlab histogram");
                }
                intervals.add(interval);
            }
        } catch (RuntimeException e) {
            throw new MergeRefusedException(log + " is not an HdrHistogram interval log: " + e.getMessage());
        }
        return intervals;
    }
}
