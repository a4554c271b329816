package dev.loadlab.suite;

import dev.loadlab.client.output.HistogramSummary;
import dev.loadlab.client.output.ResultDocument;
import dev.loadlab.client.output.ResultFiles;
import dev.loadlab.client.record.HistogramKind;
import dev.loadlab.suite.plan.SuitePlan;
import dev.loadlab.suite.results.MachineShare;
import dev.loadlab.suite.results.RunRecord;
import dev.loadlab.suite.results.SuiteEnvironment;
import dev.loadlab.suite.results.SuiteResults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Results folders built without running anything: overload cells whose repeats have the goodput
 * and p99 a test asks for, written as the suite writes them (suite.json, runs/<id>/result.json).
 */
public final class SyntheticSuites {
    public static final double DURATION_SECONDS = 2;

    /** A repeat's figures. */
    public record Figures(double goodputRps, double p99Ms) {
    }

    /** An overload cell and its repeats, in order. */
    public record CellSpec(String model, String discipline, double loadFraction, List<Figures> repeats) {
        public String cell() {
            return "overload-" + model + "-" + discipline + "-" + Math.round(loadFraction * 100) + "pct";
        }
    }

    /** A run's record and result, before any folder. */
    public record Run(RunRecord record, ResultDocument result) {
    }

    private SyntheticSuites() {
    }

    public static SuiteEnvironment environment(String startedAt, String commit) {
        return new SuiteEnvironment(startedAt, "25.0.1+8", "Eclipse Adoptium", "Linux 6.1", "amd64", 2, "Test CPU",
                24L << 30, commit);
    }

    public static SuitePlan plan(Path folder, int repeats) {
        return SuitePlan.builder(Path.of("/nonexistent/home"), folder).phases(List.of("overload"))
                .models(List.of("threads", "async")).disciplines(List.of("fifo", "lifo")).loadFractions(List.of(1.2))
                .repeats(repeats).build();
    }

    /** The runs of {@code cells}, interleaved as the suite runs them: every cell's first repeat, then the second. */
    public static List<Run> runs(List<CellSpec> cells) {
        List<Run> runs = new ArrayList<>();
        int rounds = cells.stream().mapToInt(c -> c.repeats().size()).max().orElse(0);
        for (int round = 1; round <= rounds; round++) {
            for (CellSpec cell : cells) {
                if (round <= cell.repeats().size()) {
                    runs.add(run(cell, round, cell.repeats().get(round - 1)));
                }
            }
        }
        return runs;
    }

    public static Run run(CellSpec cell, int round, Figures figures) {
        double rate = 1000 * cell.loadFraction();
        RunRecord record = RunRecord.builder(cell.cell(), "overload").repeat(round)
                .server(cell.model(), cell.discipline(), 16).openLoop(rate, 1516, cell.loadFraction())
                .timeoutMillis(1000).build()
                .withOutcome(0.9, null, 0, null, MachineShare.of(DURATION_SECONDS, 1.9, 1.85, 0.01), null);
        return new Run(record, result(record, rate, figures));
    }

    /** Writes a complete results folder and returns it loaded. */
    public static SuiteResults write(Path folder, String startedAt, String commit, List<CellSpec> cells) throws IOException {
        List<Run> runs = runs(cells);
        Files.createDirectories(folder);
        for (Run run : runs) {
            Path dir = folder.resolve(run.record().resultDir());
            Files.createDirectories(dir);
            SuiteResults.mapper().writeValue(dir.resolve(ResultFiles.JSON_FILE).toFile(), run.result());
        }
        Map<String, Double> capacities = new LinkedHashMap<>();
        cells.forEach(cell -> capacities.put(cell.model(), 1000.0));
        int repeats = cells.stream().mapToInt(c -> c.repeats().size()).max().orElse(1);
        SuiteResults.writeSuite(folder, new SuiteResults.SuiteFile(SuiteResults.SUITE_VERSION,
                Instant.parse(startedAt).plusSeconds(600).toString(), environment(startedAt, commit),
                plan(folder, repeats), MachineShare.of(1, 0.05, 0.01, 0), capacities,
                runs.stream().map(Run::record).toList(), null, null));
        return SuiteResults.load(folder);
    }

    /** A client result with this goodput and p99; the p50 is half the p99. */
    public static ResultDocument result(RunRecord record, double rate, Figures figures) {
        long successful = Math.round(figures.goodputRps() * DURATION_SECONDS);
        long sent = Math.round(rate * DURATION_SECONDS);
        long failed = Math.max(0, sent - successful);
        Map<String, HistogramSummary> histograms = new LinkedHashMap<>();
        for (HistogramKind kind : HistogramKind.values()) {
            Histogram micros = new Histogram(3_600_000_000L, 3);
            long p99Micros = Math.round(figures.p99Ms() * 1000);
            micros.recordValueWithCount(p99Micros / 2, 98);
            micros.recordValueWithCount(p99Micros, 2);
            histograms.put(kind.tag(), HistogramSummary.of(micros));
        }
        ResultDocument.Settings settings = new ResultDocument.Settings("http://127.0.0.1:8080/api/process/"
                + record.discipline(), "GET", null, "open", null, rate, "uniform", null, null, 2000L, 1000, 1000, 10, 0,
                Map.of(), record.connections(), "netty", 1, null, 1.0);
        ResultDocument.Environment environment = new ResultDocument.Environment("25.0.1+8", "Eclipse Adoptium",
                "OpenJDK 64-Bit Server VM", "Linux 6.1", "amd64", 2, 512L << 20, "netty 4.2, epoll, 1 event loop");
        ResultDocument.Schedule schedule = new ResultDocument.Schedule(rate, "uniform", sent, 2000, rate, 10, 0, false,
                record.connections(), rate);
        return new ResultDocument(ResultDocument.SCHEMA_VERSION, "loadlab-client", record.id(),
                "2026-12-01T10:00:00Z", List.of("client", "--rate", String.valueOf(rate)), settings, environment,
                new ResultDocument.Counts(sent, successful, failed, 0, successful * 200),
                failed > 0 ? Map.of("timeout", failed) : Map.of(), Map.of(),
                failed > 0 ? Map.of("200", successful) : Map.of("200", successful), Map.of(),
                DURATION_SECONDS * 1000, sent / DURATION_SECONDS, figures.goodputRps(), schedule, histograms,
                0.2, sent > 0 ? 0.2 * 10_000 / sent : 0, 0.1, 0.95, false, 0.01, false, 0.02,
                new ResultDocument.ClientLimit(false, List.of()), null, null, null);
    }

    /** {@code repeats} repeats of the same figures, each a little apart, so that the test sees spread. */
    public static List<Figures> around(double goodputRps, double p99Ms, int repeats) {
        List<Figures> figures = new ArrayList<>();
        for (int i = 0; i < repeats; i++) {
            double wobble = 1 + (i - (repeats - 1) / 2.0) * 0.005;
            figures.add(new Figures(goodputRps * wobble, p99Ms * wobble));
        }
        return figures;
    }
}
