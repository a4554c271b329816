package dev.loadlab.suite.run;

import dev.loadlab.client.output.ResultDocument;
import dev.loadlab.client.search.CapacitySearch;
import dev.loadlab.client.search.SearchDocument;
import dev.loadlab.client.search.SearchStep;
import dev.loadlab.suite.plan.SuitePlan;
import dev.loadlab.suite.results.RunRecord;
import dev.loadlab.suite.results.SuiteResults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A capacity, searched: the client's {@code search} command as a process of its own (like every
 * client run), open loops at doubling, then bisected rates, with the suite's deadline as the
 * criterion's deadline and {@code --capacity-slo} as its goodput. Each step becomes a run record
 * of its own (its client result, the server's CPU and the machine over its measured window); the
 * answer is the highest rate that passed.
 *
 * <p>Kept short, since it runs once per model and once through the balancer: steps of
 * {@value #STEP_MILLIS} ms after {@value #STEP_WARMUP_MILLIS} ms of warm-up (the server is
 * already warm), at most {@value #MAX_STEPS}, bisected to within {@value #PRECISION} of the
 * lowest fail; from a quarter of the lanes' own limit ({@link #laneLimit}). Not
 * from nearer the limit: on 2 cores a first step far past what the machine can carry (the
 * balancer's lanes allow 6,400 req/s, its processes on 2 cores about 4,000) opened thousands of
 * connections at once, and the servers were still digesting that step's backlog in the next one
 * (it answered none of 1,600 req/s); rising from a quarter, each step warms the next.
 *
 * <p>Threading: the suite's thread only.
 */
final class CapacitySearcher {
    static final int STEP_MILLIS = 1_000;
    static final int STEP_WARMUP_MILLIS = 500;
    static final int MAX_STEPS = 8;
    static final double PRECISION = 0.05;
    /** The client's start-up, and each step's transport, beyond the steps themselves. */
    private static final long OVERHEAD_SECONDS = 30;

    private final SuitePlan plan;
    private final Launcher launcher;
    private final Measurer measurer;
    private final Progress progress;
    private final List<RunRecord> records;

    CapacitySearcher(SuitePlan plan, Launcher launcher, Measurer measurer, Progress progress,
            List<RunRecord> records) {
        this.plan = plan;
        this.launcher = launcher;
        this.measurer = measurer;
        this.progress = progress;
        this.records = records;
    }

    /**
     * What the lanes could serve if nothing else limited them: {@code workers} each busy for the
     * request's work, and, for CPU work, no more requests at once than there are cores (on 2 cores
     * 64 workers of {@code cpu_ms=2} serve about 1,000 req/s, not 32,000: a first step at a quarter
     * of the latter buried the servers). 200 when a request does no work.
     */
    static double laneLimit(int workers, int ioMillis, int cpuMillis, int cores) {
        int workMillis = ioMillis + cpuMillis;
        if (workMillis == 0) {
            return 200;
        }
        double lanes = workers * 1000.0 / workMillis;
        return cpuMillis == 0 ? lanes : Math.min(lanes, cores * 1000.0 / cpuMillis);
    }

    /**
     * Searches the capacity behind {@code url} of {@code target}, whose lanes have {@code workers}
     * in all. Each step is recorded as the run {@code <cell>-sNN} of {@code phase}, described by
     * {@code describe}; the search's files go to {@code runs/<cell>-r1/}. Empty when no step passed
     * or the client wrote no search.
     */
    Optional<Double> search(String cell, String phase, Measurer.Target target, String url, int workers,
            UnaryOperator<RunRecord.Builder> describe) throws IOException, InterruptedException {
        measurer.awaitQuiet();
        progress.runStarted(cell, 0);
        String searchDir = "runs/" + cell + "-r1";
        Path output = plan.outputDirectory().resolve(searchDir);
        double laneLimit = laneLimit(workers, plan.ioMillis(), plan.cpuMillis(), Runtime.getRuntime().availableProcessors());
        double startRate = Math.max(1, Math.round(laneLimit / 4));
        double maxRate = Math.min(1_000_000, Math.max(startRate, Math.round(laneLimit * 4)));
        List<String> arguments = new ArrayList<>(List.of("--url", url, "--deadline", plan.deadlineMillis() + "ms",
                "--slo-goodput", String.valueOf(plan.capacitySlo()),
                "--start-rate", String.valueOf((long) startRate), "--max-rate", String.valueOf((long) maxRate),
                "--step-duration", STEP_MILLIS + "ms", "--step-warmup", STEP_WARMUP_MILLIS + "ms",
                "--max-steps", String.valueOf(MAX_STEPS), "--precision", String.valueOf(PRECISION),
                "--io-ms", String.valueOf(plan.ioMillis()), "--cpu-ms", String.valueOf(plan.cpuMillis()),
                "--output", output.toString(), "--label", cell));
        arguments.addAll(plan.openLoopClientOptions());
        Path log = launcher.logs().resolve("client-" + cell + ".log");
        long settleSeconds = CapacitySearch.settleLimit(Duration.ofMillis(plan.deadlineMillis())).toSeconds();
        long boundSeconds = MAX_STEPS * ((STEP_MILLIS + STEP_WARMUP_MILLIS + plan.deadlineMillis()) / 1000 + 1
                + settleSeconds) + OVERHEAD_SECONDS + Launcher.CLIENT_GRACE_SECONDS;
        BatchClient.Call call = launcher.startSearch(arguments, log);
        ManagedProcess client = call.process();
        BatchClient.Answer ended = call.await(Duration.ofSeconds(boundSeconds));
        Integer exitCode = ended.exitCode();
        Path searchFile = output.resolve(SearchDocument.FILE_NAME);
        if (!Files.isRegularFile(searchFile)) {
            progress.runFinished("FAILED: the search wrote no " + SearchDocument.FILE_NAME + " ("
                    + (ended.problem() != null ? ended.problem() : "exit code " + exitCode) + "); see logs/"
                    + log.getFileName());
            return Optional.empty();
        }
        SearchDocument search = SuiteResults.mapper().readValue(searchFile.toFile(), SearchDocument.class);
        for (SearchStep step : search.steps()) {
            progress.note("    " + step.describe(search.sloGoodput(), search.sloP99Ms()));
            record(cell, phase, target, client, exitCode, searchDir, step, search.capacityRps(), describe);
        }
        String answer = search.capacityRps() > 0
                ? String.format(Locale.ROOT, "capacity %.0f req/s (%s)", search.capacityRps(), search.stopReason())
                : "no capacity: " + search.stopReason();
        progress.runFinished(answer);
        return search.capacityRps() > 0 ? Optional.of(search.capacityRps()) : Optional.empty();
    }

    /** A step as a run: its rate as a fraction of the capacity found, its processes' CPU over its window. */
    private void record(String cell, String phase, Measurer.Target target, ManagedProcess client, Integer exitCode,
            String searchDir, SearchStep step, double capacityRps, UnaryOperator<RunRecord.Builder> describe)
            throws IOException {
        String stepDir = searchDir + "/" + step.resultDir();
        Optional<ResultDocument> result = SuiteResults.readResult(plan.outputDirectory().resolve(stepDir));
        Integer connections = result.map(r -> r.settings().connections()).orElse(null);
        RunRecord record = describe.apply(RunRecord.builder(String.format(Locale.ROOT, "%s-s%02d", cell, step.number()),
                        phase))
                .openLoop(step.rateHz(), connections == null ? 0 : connections,
                        capacityRps > 0 ? step.rateHz() / capacityRps : 0)
                .timeoutMillis(plan.deadlineMillis()).resultDir(stepDir).build();
        if (result.isEmpty()) {
            records.add(record.withOutcome(null, null, exitCode, null, null, "the step wrote no result"));
            return;
        }
        Measurer.Window window = measurer.window(result.get(), target.entry(), target.backends(),
                target.behindBalancer(), client);
        records.add(record.withOutcome(window.serverCpuSeconds(), window.balancerCpuSeconds(), exitCode, null,
                window.machine(), null));
    }
}
