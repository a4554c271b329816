package dev.loadlab.suite.results;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadlab.client.output.HistogramSummary;
import dev.loadlab.client.output.ResultDocument;
import dev.loadlab.client.output.ResultFiles;
import dev.loadlab.client.record.WakeupProbe;
import dev.loadlab.suite.plan.SuitePlan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * A suite's results folder: {@code suite.json} (environment, settings, capacities, one record per
 * run) and each run's {@code result.json} written by the client, read typed as the client's
 * {@link ResultDocument}. Everything the reports print comes from here, so that
 * {@code suite report DIR} regenerates them exactly.
 */
public final class SuiteResults {
    public static final String SUITE_FILE = "suite.json";
    public static final String CSV_FILE = "results.csv";
    /** Changes when a field of suite.json changes meaning or disappears; adding one keeps it. */
    public static final int SUITE_VERSION = 1;

    /**
     * {@code suite.json}: what was run, where, and one record per run.
     *
     * @param machineAtStart the machine over one second before the first process started: what
     *                       else was running (everything but the suite itself is foreign then)
     * @param jmh            the JMH phase; null when it did not run
     * @param warmUps        every warm-up, in the order they ran; null in a suite restored from
     *                       the history, which does not keep them, or written before they were kept
     */
    public record SuiteFile(int suiteVersion, String finishedAt, SuiteEnvironment environment, SuitePlan settings,
                            MachineShare machineAtStart, Map<String, Double> capacityRps, List<RunRecord> runs,
                            JmhRecord jmh, List<WarmUp> warmUps) {
    }

    /** One run: the suite's record and the client's result (absent if the client wrote none). */
    public record Run(RunRecord record, ResultDocument result) {
        public String id() {
            return record.id();
        }

        public String phase() {
            return record.phase();
        }

        public String model() {
            return record.model();
        }

        public String discipline() {
            return record.discipline();
        }

        public boolean measured() {
            return result != null;
        }

        public double successfulRps() {
            return result.successfulThroughputRps();
        }

        public long sent() {
            return result.counts().sent();
        }

        public long failed() {
            return result.counts().failed();
        }

        /** One of the client's histograms' figures ({@code latency}, {@code server_queued}, ...). */
        public HistogramSummary histogram(String name) {
            return result.histograms().get(name);
        }

        /**
         * How late the machine woke the client's wake-up probe over the run, p99 in ms; NaN when the
         * client measured none (results written before it did).
         */
        public double wakeupP99Ms() {
            WakeupProbe.Latency wakeups = result.wakeupLatency();
            return wakeups != null && wakeups.samples() > 0 ? wakeups.p99Ms() : Double.NaN;
        }

        /** The full histogram, decoded from the client's result (values in microseconds). */
        public Optional<Histogram> decodedHistogram(String name) {
            HistogramSummary summary = result == null ? null : result.histograms().get(name);
            if (summary == null || summary.encoded() == null) {
                return Optional.empty();
            }
            try {
                return Optional.of(summary.decode());
            } catch (DataFormatException | IllegalArgumentException e) {
                return Optional.empty();
            }
        }

        /** Failures of one cause ({@code timeout}, {@code status_503}, ...). */
        public long failures(String cause) {
            return result.failures().getOrDefault(cause, 0L);
        }

        /** Answers with one HTTP status. */
        public long answers(String status) {
            return result.statusCounts().getOrDefault(status, 0L);
        }

        /** Server CPU seconds per 10,000 requests sent, over the measured window; NaN if unknown. */
        public double serverCpuPer10k() {
            return per10k(record.serverCpuSeconds());
        }

        public double balancerCpuPer10k() {
            return per10k(record.balancerCpuSeconds());
        }

        /** Client CPU seconds per 10,000 requests, as the client measured it. */
        public double clientCpuPer10k() {
            return result.clientCpuPer10kRequests();
        }

        private double per10k(Double cpuSeconds) {
            return cpuSeconds != null && sent() > 0 ? cpuSeconds * 10_000 / sent() : Double.NaN;
        }

        /**
         * Why the client, not the server, may have been the limit, in the client's own words (its
         * {@code client_limit}), and whether the hypervisor stole enough CPU to disturb it: the
         * report repeats the client's verdict and never judges again. Empty when neither.
         */
        public Optional<String> clientLimit() {
            List<String> reasons = new ArrayList<>();
            if (result.disturbed()) {
                reasons.add(String.format(Locale.ROOT, "%.0f%% of the CPU stolen by the hypervisor",
                        result.machineCpuSteal() * 100));
            }
            ResultDocument.ClientLimit limit = result.clientLimit();
            if (limit != null && limit.limited()) {
                reasons.add("client limit: " + String.join("; ", limit.reasons()));
            }
            return reasons.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", reasons));
        }

        /** Answers per backend instance (from X-Backend), in the order the client wrote them. */
        public Map<String, Long> backends() {
            return result.backends();
        }
    }

    private final Path directory;
    private final SuiteFile suite;
    private final List<Run> runs;

    private SuiteResults(Path directory, SuiteFile suite, List<Run> runs) {
        this.directory = directory;
        this.suite = suite;
        this.runs = runs;
    }

    /** The mapper of suite.json and result.json: the client's, reading fields it does not know past. */
    public static ObjectMapper mapper() {
        return ResultFiles.jsonMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** The client's result in {@code resultDir}, if it wrote one. */
    public static Optional<ResultDocument> readResult(Path resultDir) throws IOException {
        Path file = resultDir.resolve(ResultFiles.JSON_FILE);
        return Files.isRegularFile(file) ? Optional.of(mapper().readValue(file.toFile(), ResultDocument.class))
                : Optional.empty();
    }

    /** Writes {@code suite.json}. */
    public static void writeSuite(Path directory, SuiteFile suite) throws IOException {
        mapper().writeValue(directory.resolve(SUITE_FILE).toFile(), suite);
    }

    public static SuiteResults load(Path directory) throws IOException {
        Path suiteFile = directory.resolve(SUITE_FILE);
        if (!Files.isRegularFile(suiteFile)) {
            throw new IOException(directory + " has no " + SUITE_FILE + ": not a suite's results folder");
        }
        SuiteFile suite = mapper().readValue(suiteFile.toFile(), SuiteFile.class);
        List<Run> runs = new ArrayList<>();
        for (RunRecord record : suite.runs()) {
            ResultDocument result = record.resultDir() == null ? null
                    : readResult(directory.resolve(record.resultDir())).orElse(null);
            runs.add(new Run(record, result));
        }
        return new SuiteResults(directory, suite, runs);
    }

    public Path directory() {
        return directory;
    }

    public SuiteFile suite() {
        return suite;
    }

    public SuiteEnvironment environment() {
        return suite.environment();
    }

    public SuitePlan settings() {
        return suite.settings();
    }

    public List<Run> runs() {
        return runs;
    }

    public List<Run> phase(String phase) {
        return runs.stream().filter(run -> run.phase().equals(phase)).toList();
    }

    /** The measured capacity of each model in the overload phase, in requests/s. */
    public Map<String, Double> capacities() {
        return suite.capacityRps() == null ? Map.of() : new LinkedHashMap<>(suite.capacityRps());
    }

    /**
     * Writes {@code results.csv}: the suite's columns, then the client's own columns of each run,
     * those named like one of the suite's ({@code connections}, {@code disturbed}: the client's
     * own judgement, not the suite's) prefixed {@code client_}, as in the history's runs table.
     */
    public void writeCsv() throws IOException {
        String suiteHeader = "id,cell,repeat,phase,model,discipline,workers,load_fraction,connections,"
                + "instances,strategy,server_cpu_s_per_10k,balancer_cpu_s_per_10k,client_limit,machine_busy_cores,"
                + "own_cores,foreign_cores,machine_steal,disturbed,disturbance";
        List<String> suiteColumns = List.of(suiteHeader.split(","));
        StringBuilder csv = new StringBuilder(suiteHeader);
        String clientHeader = null;
        List<String> rows = new ArrayList<>();
        for (Run run : runs) {
            if (!run.measured()) {
                continue;
            }
            Map<String, String> client = ResultFiles.csvRow(run.result());
            clientHeader = String.join(",", client.keySet().stream()
                    .map(name -> suiteColumns.contains(name) ? "client_" + name : name).toList());
            RunRecord r = run.record();
            MachineShare m = r.machine();
            rows.add(String.join(",", r.id(), r.cell(), String.valueOf(r.repeat()), r.phase(), r.model(),
                    text(r.discipline()), String.valueOf(r.workers()), text(r.loadFraction()), text(r.connections()),
                    text(r.instances()), text(r.strategy()), number(run.serverCpuPer10k()),
                    number(run.balancerCpuPer10k()), quoted(run.clientLimit().orElse("")),
                    m == null ? "" : number(m.busyCores()), m == null ? "" : number(m.ownCores()),
                    m == null ? "" : number(m.foreignCores()), m == null ? "" : number(m.stealFraction()),
                    String.valueOf(r.disturbed()), quoted(m == null ? "" : m.disturbance()))
                    + "," + String.join(",", client.values()));
        }
        csv.append(clientHeader == null ? "" : "," + clientHeader).append('\n');
        rows.forEach(row -> csv.append(row).append('\n'));
        Files.writeString(directory.resolve(CSV_FILE), csv.toString(), StandardCharsets.UTF_8);
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }

    private static String quoted(String text) {
        return text.contains(",") || text.contains("\"") ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
    }

    private static String number(double value) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.4f", value);
    }
}
