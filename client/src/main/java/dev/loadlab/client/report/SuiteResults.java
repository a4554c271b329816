package dev.loadlab.client.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadlab.client.suite.Environment;
import dev.loadlab.client.suite.RunRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * A suite's results folder, read back: {@code suite.json} (environment, settings, capacities,
 * and one record per run) and each run's {@code result.json} written by the client. Everything the
 * reports print comes from here, so that {@code client report DIR} regenerates them exactly.
 */
public final class SuiteResults {
    public static final String SUITE_FILE = "suite.json";
    public static final String CSV_FILE = "results.csv";

    private final Path directory;
    private final JsonNode suite;
    private final List<Run> runs;

    /** One run: the suite's record and the client's result (absent if the client wrote none). */
    public record Run(JsonNode record, JsonNode result) {
        public String id() {
            return record.path("id").asText();
        }

        public String phase() {
            return record.path("phase").asText();
        }

        public String model() {
            return record.path("model").asText();
        }

        public String discipline() {
            return record.path("discipline").asText();
        }

        public boolean measured() {
            return result != null;
        }

        public double successfulRps() {
            return result.path("successful_throughput_rps").asDouble();
        }

        public long sent() {
            return result.path("counts").path("sent").asLong();
        }

        public long failed() {
            return result.path("counts").path("failed").asLong();
        }

        /** A percentile (in ms) of one of the client's histograms, as the client computed it. */
        public double percentileMillis(String histogram, String field) {
            return result.path("histograms").path(histogram).path(field).asDouble(Double.NaN);
        }

        /** The full histogram, decoded from the client's result (values in microseconds). */
        public Optional<Histogram> histogram(String name) {
            String encoded = result == null ? null : result.path("histograms").path(name).path("encoded").asText(null);
            if (encoded == null) {
                return Optional.empty();
            }
            try {
                return Optional.of(Histogram.decodeFromCompressedByteBuffer(
                        java.nio.ByteBuffer.wrap(Base64.getDecoder().decode(encoded)), 0));
            } catch (DataFormatException | IllegalArgumentException e) {
                return Optional.empty();
            }
        }

        /** Server CPU seconds per 10,000 requests sent, over the measured window; NaN if unknown. */
        public double serverCpuPer10k() {
            return per10k(record.path("server_cpu_seconds"));
        }

        public double balancerCpuPer10k() {
            return per10k(record.path("balancer_cpu_seconds"));
        }

        /** Client CPU seconds per 10,000 requests, as the client measured it; NaN if it did not. */
        public double clientCpuPer10k() {
            JsonNode cpu = result.path("client_cpu_per_10k_requests");
            return cpu.isNumber() ? cpu.asDouble() : Double.NaN;
        }

        private double per10k(JsonNode cpuSeconds) {
            return cpuSeconds.isNumber() && sent() > 0 ? cpuSeconds.asDouble() * 10_000 / sent() : Double.NaN;
        }

        /**
         * Why the client, not the server, may have been the limit, from the client's own readings:
         * it used most of a machine that was saturated (at least 90% busy, the client using at
         * least half of that, or 90% of every core itself); or, in an open loop, it fell behind
         * its timetable by more than the measurement can ignore (it sent at less than 99% of the
         * scheduled rate, or its dispatch lag p99 exceeded a tenth of the request timeout, which
         * is the client's deadline in the overload runs). Also named: a run the hypervisor
         * disturbed (at least 5% of the machine's CPU stolen), whose figures ran on less CPU than
         * it seems. Empty when none holds.
         */
        public Optional<String> clientLimit() {
            if (result.path("disturbed").asBoolean(false)) {
                return Optional.of(String.format(Locale.ROOT, "disturbed (%.0f%% of the CPU stolen by the hypervisor)",
                        result.path("machine_cpu_steal").asDouble() * 100));
            }
            double client = result.path("client_cpu_utilization").asDouble(0);
            double machine = result.path("machine_cpu_utilization").asDouble(0);
            if (client >= 0.9 || (machine >= 0.9 && client >= 0.5 * machine)) {
                return Optional.of(String.format(Locale.ROOT, "client saturated (client %.0f%%, machine %.0f%% busy)",
                        client * 100, machine * 100));
            }
            JsonNode schedule = result.path("schedule");
            if (schedule.isObject()) {
                double scheduled = schedule.path("scheduled_rate_hz").asDouble(schedule.path("target_rate_hz").asDouble());
                double achieved = schedule.path("achieved_rate_hz").asDouble();
                double lagMillis = percentileMillis("dispatch_lag", "p99_ms");
                double timeoutMillis = result.path("settings").path("timeout_ms").asDouble(Double.MAX_VALUE);
                if (achieved < 0.99 * scheduled || lagMillis > timeoutMillis / 10) {
                    return Optional.of(String.format(Locale.ROOT, "client behind schedule (%.0f of %.0f req/s, lag p99 %.1f ms)",
                            achieved, scheduled, lagMillis));
                }
            }
            return Optional.empty();
        }

        /** Answers per backend instance (from X-Backend), in the order the client wrote them. */
        public Map<String, Long> backends() {
            Map<String, Long> counts = new LinkedHashMap<>();
            result.path("backends").fields().forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asLong()));
            return counts;
        }
    }

    private SuiteResults(Path directory, JsonNode suite, List<Run> runs) {
        this.directory = directory;
        this.suite = suite;
        this.runs = runs;
    }

    /** The mapper for suite.json and result.json: snake_case, indented. */
    public static ObjectMapper mapper() {
        return new ObjectMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }

    /** Writes {@code suite.json}. */
    public static void writeSuite(Path directory, Environment environment, Object plan, Map<String, Double> capacities,
            List<RunRecord> records, Instant finished) throws IOException {
        ObjectMapper json = mapper();
        ObjectNode root = json.createObjectNode();
        root.put("suite_version", 1);
        root.put("finished_at", finished.toString());
        root.set("environment", json.valueToTree(environment));
        ObjectNode settings = json.valueToTree(plan);
        settings.remove("home");
        settings.remove("output_directory");
        root.set("settings", settings);
        root.set("capacity_rps", json.valueToTree(capacities));
        root.set("runs", json.valueToTree(records));
        json.writeValue(directory.resolve(SUITE_FILE).toFile(), root);
    }

    public static SuiteResults load(Path directory) throws IOException {
        Path suiteFile = directory.resolve(SUITE_FILE);
        if (!Files.isRegularFile(suiteFile)) {
            throw new IOException(directory + " has no " + SUITE_FILE + ": not a suite's results folder");
        }
        ObjectMapper json = mapper();
        JsonNode suite = json.readTree(suiteFile.toFile());
        List<Run> runs = new ArrayList<>();
        for (JsonNode record : suite.path("runs")) {
            JsonNode result = null;
            if (record.hasNonNull("result_dir")) {
                Path file = directory.resolve(record.path("result_dir").asText()).resolve("result.json");
                if (Files.isRegularFile(file)) {
                    result = json.readTree(file.toFile());
                }
            }
            runs.add(new Run(record, result));
        }
        return new SuiteResults(directory, suite, runs);
    }

    public Path directory() {
        return directory;
    }

    public JsonNode suite() {
        return suite;
    }

    public JsonNode environment() {
        return suite.path("environment");
    }

    public JsonNode settings() {
        return suite.path("settings");
    }

    public List<Run> runs() {
        return runs;
    }

    public List<Run> phase(String phase) {
        return runs.stream().filter(run -> run.phase().equals(phase)).toList();
    }

    /** The measured capacity of each model in the overload phase, in requests/s. */
    public Map<String, Double> capacities() {
        Map<String, Double> capacities = new LinkedHashMap<>();
        suite.path("capacity_rps").fields().forEachRemaining(e -> capacities.put(e.getKey(), e.getValue().asDouble()));
        return capacities;
    }

    /** Writes {@code results.csv}: the suite's columns, then the client's own CSV row of each run. */
    public void writeCsv() throws IOException {
        StringBuilder csv = new StringBuilder();
        String clientHeader = null;
        List<String> rows = new ArrayList<>();
        for (Run run : runs) {
            if (!run.measured()) {
                continue;
            }
            List<String> clientCsv = Files.readAllLines(directory.resolve(run.record().path("result_dir").asText())
                    .resolve("result.csv"), StandardCharsets.UTF_8);
            clientHeader = clientCsv.get(0);
            JsonNode r = run.record();
            rows.add(String.join(",", r.path("id").asText(), r.path("phase").asText(), r.path("model").asText(),
                    r.path("discipline").asText(), r.path("workers").asText(), text(r.path("load_fraction")),
                    text(r.path("connections")), text(r.path("instances")), text(r.path("strategy")),
                    number(run.serverCpuPer10k()), number(run.balancerCpuPer10k()), run.clientLimit().orElse(""))
                    + "," + clientCsv.get(1));
        }
        csv.append("id,phase,model,discipline,workers,load_fraction,connections,instances,strategy,"
                + "server_cpu_s_per_10k,balancer_cpu_s_per_10k,client_limit");
        csv.append(clientHeader == null ? "" : "," + clientHeader).append('\n');
        rows.forEach(row -> csv.append(row).append('\n'));
        Files.writeString(directory.resolve(CSV_FILE), csv.toString(), StandardCharsets.UTF_8);
    }

    private static String text(JsonNode node) {
        return node.isNull() || node.isMissingNode() ? "" : node.asText();
    }

    private static String number(double value) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.4f", value);
    }
}
