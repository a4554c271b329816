package dev.loadlab.client.output;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.HdrHistogram.Histogram;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.loadlab.client.load.RunOutcome;
import dev.loadlab.client.record.FailureCause;
import dev.loadlab.client.record.HistogramKind;

/**
 * Writes a run's files into its {@code --output} directory: {@code result.json},
 * {@code result.csv} (a header and one row) and one {@code .hgrm} percentile distribution per
 * histogram kind (values in milliseconds, as wrk2 prints them). The interval log is written
 * during the run by {@link IntervalLogFile}. Stateless.
 */
public final class ResultFiles {
    public static final String JSON_FILE = "result.json";
    public static final String CSV_FILE = "result.csv";
    private static final int PERCENTILE_TICKS_PER_HALF_DISTANCE = 5;
    private static final double MICROS_PER_MILLI = 1_000.0;

    private ResultFiles() {
    }

    /** The mapper that writes and reads {@code result.json}. */
    public static ObjectMapper jsonMapper() {
        return new ObjectMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }

    public static void write(Path directory, ResultDocument result, RunOutcome outcome) throws IOException {
        write(directory, result, outcome.histograms());
    }

    /** Writes {@code result} with its histograms (microseconds) by kind: a run's, or a merge's. */
    public static void write(Path directory, ResultDocument result, Map<HistogramKind, Histogram> histograms)
            throws IOException {
        Files.createDirectories(directory);
        jsonMapper().writeValue(directory.resolve(JSON_FILE).toFile(), result);
        Map<String, String> row = csvRow(result);
        Files.writeString(directory.resolve(CSV_FILE),
                String.join(",", row.keySet()) + "\n" + String.join(",", row.values()) + "\n",
                StandardCharsets.UTF_8);
        for (HistogramKind kind : HistogramKind.values()) {
            writeHgrm(directory.resolve(kind.fileStem() + ".hgrm"), histograms.get(kind));
        }
    }

    /** The CSV columns, in order, with this run's values. client/README.md documents each. */
    public static Map<String, String> csvRow(ResultDocument result) {
        var settings = result.settings();
        var counts = result.counts();
        HistogramSummary latency = result.histograms().get(HistogramKind.LATENCY.tag());
        HistogramSummary uncorrected = result.histograms().get(HistogramKind.LATENCY_UNCORRECTED.tag());
        HistogramSummary lag = result.histograms().get(HistogramKind.DISPATCH_LAG.tag());
        Map<String, String> row = new LinkedHashMap<>();
        row.put("start_time", result.startTime());
        row.put("label", text(result.label()));
        row.put("mode", settings.mode());
        row.put("method", settings.method());
        row.put("url", text(settings.url()));
        row.put("concurrency", value(settings.concurrency()));
        row.put("rate_hz", value(settings.rateHz()));
        row.put("arrival", value(settings.arrival()));
        row.put("requests", value(settings.requests()));
        row.put("duration_ms", value(settings.durationMs()));
        row.put("warmup_ms", Long.toString(settings.warmupMs()));
        row.put("timeout_ms", Long.toString(settings.timeoutMs()));
        row.put("sent", Long.toString(counts.sent()));
        row.put("successful", Long.toString(counts.successful()));
        row.put("failed", Long.toString(counts.failed()));
        row.put("failed_status", Long.toString(result.failures().entrySet().stream()
                .filter(e -> FailureCause.isStatus(e.getKey())).mapToLong(Map.Entry::getValue).sum()));
        for (String cause : List.of(FailureCause.TIMEOUT, FailureCause.CONNECT_REFUSED, FailureCause.CONNECTION_RESET,
                FailureCause.IO_ERROR, FailureCause.OTHER_ERROR)) {
            row.put("failed_" + cause, Long.toString(result.failures().getOrDefault(cause, 0L)));
        }
        row.put("total_time_ms", number(result.totalTimeMs()));
        row.put("throughput_rps", number(result.throughputRps()));
        row.put("successful_throughput_rps", number(result.successfulThroughputRps()));
        row.put("mean_ms", number(latency.meanMs()));
        row.put("p50_ms", number(latency.p50Ms()));
        row.put("p75_ms", number(latency.p75Ms()));
        row.put("p90_ms", number(latency.p90Ms()));
        row.put("p99_ms", number(latency.p99Ms()));
        row.put("p999_ms", number(latency.p999Ms()));
        row.put("p9999_ms", number(latency.p9999Ms()));
        row.put("max_ms", number(latency.maxMs()));
        row.put("uncorrected_p99_ms", number(uncorrected.p99Ms()));
        row.put("uncorrected_max_ms", number(uncorrected.maxMs()));
        row.put("dispatch_lag_p99_ms", number(lag.p99Ms()));
        row.put("achieved_rate_hz", result.schedule() == null ? "" : number(result.schedule().achievedRateHz()));
        row.put("behind_schedule", result.schedule() == null ? "" : Boolean.toString(result.schedule().behindSchedule()));
        row.put("server_queued_p99_ms", number(result.histograms().get(HistogramKind.SERVER_QUEUED.tag()).p99Ms()));
        row.put("server_service_p99_ms", number(result.histograms().get(HistogramKind.SERVER_SERVICE.tag()).p99Ms()));
        row.put("jdk", text(result.environment().jdk()));
        row.put("cores", Integer.toString(result.environment().cores()));
        row.put("connections", value(settings.connections()));
        row.put("client_cpu_seconds", number(result.clientCpuSeconds()));
        row.put("client_cpu_per_10k_requests", number(result.clientCpuPer10kRequests()));
        row.put("client_saturated", Boolean.toString(result.clientSaturated()));
        row.put("machine_cpu_steal", result.machineCpuSteal() == null ? "" : number(result.machineCpuSteal()));
        row.put("disturbed", Boolean.toString(result.disturbed()));
        row.put("transport", text(settings.transport()));
        row.put("io_threads", value(settings.ioThreads()));
        row.put("client_cpu_utilization", number(result.clientCpuUtilization()));
        row.put("foreign_cpu_utilization",
                result.foreignCpuUtilization() == null ? "" : number(result.foreignCpuUtilization()));
        row.put("client_limited", Boolean.toString(result.clientLimit().limited()));
        row.put("client_limit_reasons", text(String.join("; ", result.clientLimit().reasons())));
        var generator = result.generator();
        row.put("generator_index", generator == null ? "" : Integer.toString(generator.index()));
        row.put("generator_count", generator == null ? "" : Integer.toString(generator.count()));
        row.put("start_at", generator != null ? value(generator.startAt())
                : result.merge() != null ? value(result.merge().startAt()) : "");
        row.put("late_start_ms", generator == null ? "" : number(generator.lateStartMs()));
        row.put("merged_generators", result.merge() == null ? "" : Integer.toString(result.merge().generators().size()));
        row.put("merge_warnings", result.merge() == null ? "" : text(String.join("; ", result.merge().warnings())));
        return row;
    }

    private static void writeHgrm(Path file, Histogram micros) throws IOException {
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
            if (micros.getTotalCount() == 0) {
                out.println("#[No values recorded]");
            } else {
                micros.outputPercentileDistribution(out, PERCENTILE_TICKS_PER_HALF_DISTANCE, MICROS_PER_MILLI);
            }
            if (out.checkError()) {
                throw new IOException("could not write " + file);
            }
        }
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    private static String value(Object value) {
        return value == null ? "" : text(value.toString());
    }

    /** RFC 4180 quoting where needed. */
    private static String text(String value) {
        if (value == null) {
            return "";
        }
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
