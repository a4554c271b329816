package dev.loadlab.client.merge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.loadlab.client.ClientMain;
import dev.loadlab.client.TestServer;
import dev.loadlab.client.TestServer.Answer;
import dev.loadlab.client.output.HistogramSummary;
import dev.loadlab.client.output.IntervalLogFile;
import dev.loadlab.client.output.ResultDocument;
import dev.loadlab.client.output.ResultFiles;
import dev.loadlab.client.record.RunRecorder;

/**
 * One open loop sent by one generator and by three generators sharing its timetable (in this
 * process, on threads, with one --start-at), then merged: the same requests, the same latencies.
 */
class FleetMergeTest {
    /** The server answers after this, so every latency is at least this. */
    private static final long SERVICE_MILLIS = 5;
    /** Enough for a generator of this JVM to be ready before the shared start, even on a busy machine. */
    private static final long LEAD_MILLIS = 3_000;
    private static final String[] LOAD = {"--rate", "200", "--duration", "2s", "--io-ms", "1", "-q"};
    /** 200 req/s for 2 s: slots 0..399. */
    private static final long SLOTS = 400;

    record Result(int exitCode, String out, String err) {
    }

    static Result client(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = ClientMain.execute(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Result(exitCode, out.toString(), err.toString());
    }

    private static Result run(TestServer server, Path output, String... extra) {
        List<String> args = new ArrayList<>(List.of("--url", server.url().toString(), "-o", output.toString()));
        args.addAll(List.of(LOAD));
        args.addAll(List.of(extra));
        return client(args);
    }

    private static ResultDocument read(Path directory) throws Exception {
        return ResultFiles.jsonMapper().readValue(directory.resolve(ResultFiles.JSON_FILE).toFile(),
                ResultDocument.class);
    }

    /**
     * Runs generators 0..2 of three with one --start-at, generator i starting its process
     * {@code delaysMillis[i]} after it; returns their results, by index.
     */
    private static List<Result> fleet(TestServer server, Path dir, Instant startAt, long... delaysMillis)
            throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            List<Future<Result>> generators = new ArrayList<>();
            for (int index = 0; index < 3; index++) {
                String role = index + "/3";
                Path output = dir.resolve("g" + index);
                long delay = delaysMillis.length > index ? delaysMillis[index] : 0;
                generators.add(threads.submit(() -> {
                    long wait = startAt.toEpochMilli() + delay - System.currentTimeMillis();
                    if (delay > 0 && wait > 0) {
                        Thread.sleep(wait);
                    }
                    return run(server, output, "--generator", role, "--start-at", startAt.toString());
                }));
            }
            List<Result> results = new ArrayList<>();
            for (Future<Result> generator : generators) {
                results.add(generator.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            threads.shutdownNow();
        }
    }

    private static Result merge(Path dir, Path output) {
        return client(List.of("merge", "-o", output.toString(), dir.resolve("g0").toString(),
                dir.resolve("g2").toString(), dir.resolve("g1").toString()));
    }

    @Test
    void threeGeneratorsMergedSendWhatOneSendsAloneWithItsLatencies(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(SERVICE_MILLIS))) {
            assertThat(run(server, dir.resolve("alone-1")).exitCode()).isZero();
            assertThat(run(server, dir.resolve("alone-2")).exitCode()).isZero();
            Instant startAt = Instant.ofEpochMilli(System.currentTimeMillis() + LEAD_MILLIS);
            List<Result> generators = fleet(server, dir, startAt);
            generators.forEach(generator -> assertThat(generator.exitCode()).as(generator.err()).isZero());
            Result merged = merge(dir, dir.resolve("merged"));

            assertThat(merged.exitCode()).as(merged.err()).isZero();
            ResultDocument alone = read(dir.resolve("alone-1"));
            ResultDocument again = read(dir.resolve("alone-2"));
            ResultDocument fleet = read(dir.resolve("merged"));
            assertThat(alone.counts().sent()).isEqualTo(SLOTS);
            assertThat(alone.generator()).isEqualTo(new ResultDocument.Generator(0, 1, null, 0));
            assertThat(fleet.counts().sent()).isEqualTo(alone.counts().sent());
            assertThat(fleet.counts().successful()).isEqualTo(alone.counts().successful());
            assertThat(fleet.schedule().sent()).isEqualTo(SLOTS);
            assertThat(fleet.schedule().targetRateHz()).isEqualTo(200);
            assertThat(fleet.statusCounts()).containsEntry("200", SLOTS);
            assertThat(read(dir.resolve("g0")).counts().sent()).isEqualTo(134);
            assertThat(read(dir.resolve("g2")).counts().sent()).isEqualTo(133);
            assertThat(fleet.histograms().get("latency").count()).isEqualTo(SLOTS);
            for (String tag : List.of("latency", "latency_uncorrected", "dispatch_lag", "server_service")) {
                Histogram sum = RunRecorder.newHistogram();
                for (String generator : List.of("g0", "g1", "g2")) {
                    sum.add(read(dir.resolve(generator)).histograms().get(tag).decode());
                }
                assertThat(fleet.histograms().get(tag).decode()).as(tag).isEqualTo(sum);
                assertThat(fleet.histograms().get(tag).p99Ms()).isEqualTo(HistogramSummary.of(sum).p99Ms());
            }

            HistogramSummary latency = fleet.histograms().get("latency");
            assertThat(latency.p50Ms()).isGreaterThanOrEqualTo(SERVICE_MILLIS);
            assertWithinNoise(latency.p50Ms(), alone.histograms().get("latency").p50Ms(),
                    again.histograms().get("latency").p50Ms());
            assertWithinNoise(latency.p90Ms(), alone.histograms().get("latency").p90Ms(),
                    again.histograms().get("latency").p90Ms());

            assertThat(fleet.startTime()).isEqualTo(startAt.toString());
            assertThat(fleet.merge().startAt()).isEqualTo(startAt.toString());
            assertThat(fleet.merge().generators()).extracting(ResultDocument.MergedGenerator::index)
                    .containsExactly(0, 1, 2);
            assertThat(fleet.merge().warnings()).isEmpty();
            assertThat(fleet.generator()).isNull();
            assertThat(intervalTotal(dir.resolve("merged"), "latency")).isEqualTo(SLOTS);
            assertThat(merged.out()).contains("Merged 3 generators", "Successful Requests: " + SLOTS,
                    "Generators: 3 merged");
            assertThat(generators.get(1).out()).contains("Generator 1/3, measured phase from " + startAt);
            assertThat(dir.resolve("merged").resolve("latency.hgrm")).content().contains("Value     Percentile");
        }
    }

    @Test
    void aGeneratorThatStarts500MillisecondsLateIsFlaggedWithItsLag(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(SERVICE_MILLIS))) {
            Instant startAt = Instant.ofEpochMilli(System.currentTimeMillis() + LEAD_MILLIS);
            List<Result> generators = fleet(server, dir, startAt, 0, 0, 500);
            generators.forEach(generator -> assertThat(generator.exitCode()).as(generator.err()).isZero());
            Result merged = merge(dir, dir.resolve("merged"));

            assertThat(merged.exitCode()).as(merged.err()).isZero();
            assertThat(generators.get(2).err()).startsWith("client: generator 2/3 is starting ")
                    .contains("after its timetable's start (--start-at " + startAt + ")");
            ResultDocument late = read(dir.resolve("g2"));
            assertThat(late.generator().lateStartMs()).isGreaterThanOrEqualTo(500);
            // Its first slot, slot 2, was due 10 ms after the start: it left about 490 ms late, or later.
            assertThat(late.histograms().get("dispatch_lag").maxMs()).isGreaterThanOrEqualTo(480);

            ResultDocument fleet = read(dir.resolve("merged"));
            assertThat(fleet.counts().sent()).isEqualTo(SLOTS);
            assertThat(fleet.histograms().get("dispatch_lag").maxMs()).isGreaterThanOrEqualTo(480);
            assertThat(fleet.merge().warnings()).hasSize(1);
            assertThat(fleet.merge().warnings().getFirst()).startsWith("generator 2/3 started ")
                    .contains("after its timetable's start", "more than the 50ms tolerance", "dispatch lag reached");
            assertThat(fleet.merge().startSpreadMs()).isGreaterThanOrEqualTo(500);
            assertThat(merged.out()).contains("WARNING: generator 2/3 started ");
            assertThat(dir.resolve("merged").resolve(ResultFiles.CSV_FILE)).content()
                    .contains("merge_warnings", "generator 2/3 started");
        }
    }

    /** Loose on purpose: the merge's percentile lies near two single runs, as far apart as they are, or 3 ms. */
    private static void assertWithinNoise(double mergedMs, double aloneMs, double againMs) {
        double noise = Math.max(3, 2 * Math.abs(aloneMs - againMs));
        assertThat(mergedMs).isBetween(Math.min(aloneMs, againMs) - noise, Math.max(aloneMs, againMs) + noise);
    }

    private static long intervalTotal(Path directory, String tag) throws Exception {
        Histogram total = new Histogram(3);
        try (HistogramLogReader log = new HistogramLogReader(directory.resolve(IntervalLogFile.FILE_NAME).toFile())) {
            while (log.hasNext()) {
                Histogram interval = (Histogram) log.nextIntervalHistogram();
                if (tag.equals(interval.getTag())) {
                    total.add(interval);
                }
            }
        }
        return total.getTotalCount();
    }
}
