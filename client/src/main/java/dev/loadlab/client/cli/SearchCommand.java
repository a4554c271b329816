package dev.loadlab.client.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.HdrHistogram.Histogram;

import dev.loadlab.client.load.LoadRun;
import dev.loadlab.client.load.LoadSettings;
import dev.loadlab.client.load.LoadShape;
import dev.loadlab.client.load.RunOutcome;
import dev.loadlab.client.load.StopCondition;
import dev.loadlab.client.load.Transport;
import dev.loadlab.client.load.TransportKind;
import dev.loadlab.client.output.ResultDocument;
import dev.loadlab.client.output.ResultFiles;
import dev.loadlab.client.output.WrkUnits;
import dev.loadlab.client.record.FailureCause;
import dev.loadlab.client.record.HistogramKind;
import dev.loadlab.client.search.CapacitySearch;
import dev.loadlab.client.search.SearchDocument;
import dev.loadlab.client.search.SearchStep;
import dev.loadlab.client.transport.Transports;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code client search}: the highest open-loop rate at which goodput within a deadline stays at
 * least a fraction of the offered requests and the client is not the limit. Each step is a
 * {@code run} of its own ({@link LoadRun}, through a transport opened for it) with the deadline
 * as its timeout; the steps and the answer are printed, and with {@code --output} written as
 * {@code search.json} plus each step's result files.
 */
@Command(name = "search", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Searches the capacity of --url: open loops at doubling, then bisected rates.",
                "A step passes when its 2xx answers within --deadline (from each request's intended send time)",
                "are at least --slo-goodput of the requests it offered, the server kept up (answered at 97%% of",
                "the rate or more: a queue that grows fails a step before it reaches the deadline), and the",
                "client was not the limit (its CPU, the timetable's rate kept, a dispatch-lag p99 within 5%% of",
                "the deadline: a smaller lag is inside each latency already). The answer is the highest rate that passed.",
                "Time: at most --max-steps x (--step-warmup + --step-duration + the deadline)."})
public final class SearchCommand implements Callable<Integer> {
    private static final int MAX_CONNECTIONS = 10_000;
    private static final double MAX_RATE_HZ = 1_000_000;
    /** The share of the deadline a step's dispatch-lag p99 may take before the client, not the server, is its limit. */
    static final double LAG_SHARE_OF_DEADLINE = 0.05;

    @Spec
    private CommandSpec spec;

    @Option(names = "--url", required = true, paramLabel = "URL", order = 1,
            description = "Target, http:// or https://.")
    private String url;

    @Option(names = "--deadline", required = true, paramLabel = "TIME", converter = DurationConverter.class, order = 2,
            description = "A request answered later than this (from its intended send time) is not good; it is"
                    + " also each step's --timeout. E.g. 1s, 250ms.")
    private Duration deadline;

    @Option(names = "--slo-goodput", paramLabel = "FRACTION", defaultValue = "0.99", order = 3,
            description = "Goodput a step needs, as a fraction of the requests it offered, in (0, 1]"
                    + " (default: ${DEFAULT-VALUE}).")
    private double sloGoodput;

    @Option(names = "--slo-p99", paramLabel = "TIME", converter = DurationConverter.class, order = 3,
            description = "Latency p99 (from intended send time) a step may have, more than 0 and at most"
                    + " --deadline (default: half the deadline): a queue that holds its answers just inside the"
                    + " deadline passes the goodput criterion, not this one.")
    private Duration sloP99;

    @Option(names = "--start-rate", paramLabel = "HZ", defaultValue = "100", order = 4,
            description = "The first step's rate, req/s, 1..1000000 (default: ${DEFAULT-VALUE}).")
    private double startRateHz;

    @Option(names = "--max-rate", paramLabel = "HZ", defaultValue = "100000", order = 5,
            description = "The highest rate tried, req/s, at least --start-rate (default: ${DEFAULT-VALUE}).")
    private double maxRateHz;

    @Option(names = "--step-duration", paramLabel = "TIME", converter = DurationConverter.class,
            defaultValue = "2s", order = 6, description = "Measured time of each step (default: ${DEFAULT-VALUE}).")
    private Duration stepDuration;

    @Option(names = "--step-warmup", paramLabel = "TIME", converter = DurationConverter.class,
            defaultValue = "1s", order = 7,
            description = "Unmeasured time before each step's measurement (default: ${DEFAULT-VALUE}).")
    private Duration stepWarmup;

    @Option(names = "--max-steps", paramLabel = "N", defaultValue = "12", order = 8,
            description = "At most this many steps, 1..100 (default: ${DEFAULT-VALUE}).")
    private int maxSteps;

    @Option(names = "--precision", paramLabel = "FRACTION", defaultValue = "0.05", order = 9,
            description = "Bisect until the highest pass is within this fraction of the lowest fail, in (0, 1)"
                    + " (default: ${DEFAULT-VALUE}).")
    private double precision;

    @Option(names = "--connections", paramLabel = "N", order = 10,
            description = "Connections of every step, 1..10000 (default: per step, a deadline's worth of requests"
                    + " at its rate, half as many again, and 16, at most 10000).")
    private Integer connections;

    @Mixin
    private WorkOptions work = new WorkOptions();

    @Option(names = "--transport", paramLabel = "netty|jdk", order = 14,
            description = "HTTP stack (default: netty).")
    private TransportKind transport;

    @Option(names = "--realtime", order = 14,
            description = "Run every step's event loops at real-time priority, as run's --realtime (netty only).")
    private boolean realtime;

    @Option(names = "--wake-grid", paramLabel = "TIME", converter = DurationConverter.class, order = 14,
            description = "Every step's open-loop timer wakes at most once per TIME, as run's --wake-grid, 100us..100ms"
                    + " (netty only; default: 1ms).")
    private Duration wakeGrid;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", order = 15,
            description = "Write search.json and each step's result files (step-NN/) into DIR.")
    private Path output;

    @Option(names = "--label", paramLabel = "TEXT", order = 16, description = "A name for this search, kept in search.json.")
    private String label;

    @Option(names = {"-h", "--help"}, usageHelp = true, order = 17, description = "Show this help and exit.")
    private boolean help;

    /** The step before the one about to run; null before the first. */
    private SearchStep previous;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Duration p99Limit = sloP99 != null ? sloP99 : deadline.dividedBy(2);
        if (p99Limit.isZero() || p99Limit.isNegative() || p99Limit.compareTo(deadline) > 0) {
            throw usage("--slo-p99 must be more than 0 and at most --deadline " + WrkUnits.formatDuration(deadline)
                    + ", got " + WrkUnits.formatDuration(p99Limit));
        }
        sloP99 = p99Limit;
        URI target = validatedTarget();
        CapacitySearch search = CapacitySearch.builder().sloGoodput(sloGoodput).startRateHz(startRateHz)
                .maxRateHz(maxRateHz).maxSteps(maxSteps).precision(precision).build();
        PrintWriter out = spec.commandLine().getOut();
        TransportKind kind = transport == null ? TransportKind.NETTY : transport;
        out.printf(Locale.ROOT, "Searching the capacity of %s: goodput within %s >= %.1f%% of offered, p99 within"
                        + " %s, client on schedule (dispatch-lag p99 within %s); steps of %s after %s of warm-up, from"
                        + " %s req/s, at most %d steps (%s transport)%n",
                target, WrkUnits.formatDuration(deadline), sloGoodput * 100, WrkUnits.formatDuration(sloP99),
                WrkUnits.formatDuration(Duration.ofNanos(Math.round(deadline.toNanos() * LAG_SHARE_OF_DEADLINE))),
                WrkUnits.formatDuration(stepDuration),
                WrkUnits.formatDuration(stepWarmup), number(startRateHz), maxSteps, kind.wireName());
        out.flush();
        String startTime = Instant.now().toString();
        SettleProbe settle = new SettleProbe(target, deadline, kind);
        settle.measureIdle();
        out.printf(Locale.ROOT, "Idle latency %s (the fastest of %d lone requests); after a failed step the next waits"
                        + " until a lone request answers within %s, at most %s%n",
                settle.idleMs().map(ms -> WrkUnits.formatDuration(Duration.ofNanos(Math.round(ms * 1e6))))
                        .orElse("unknown (no lone request was answered)"), SettleProbe.PROBE_REQUESTS,
                WrkUnits.formatDuration(Duration.ofNanos(Math.round(settle.settledBelowMs() * 1e6))),
                WrkUnits.formatDuration(settle.limit()));
        out.flush();
        CapacitySearch.SearchOutcome outcome = search.run(
                (number, stage, rateHz) -> {
                    SettleProbe.Wait wait = previous != null && !previous.passed() ? settle.await() : SettleProbe.Wait.NONE;
                    previous = step(target, kind, number, stage, rateHz, wait);
                    return previous;
                },
                step -> {
                    out.println(step.describe(sloGoodput, sloP99.toNanos() / 1e6));
                    out.flush();
                });
        if (outcome.capacityRps() > 0) {
            out.printf(Locale.ROOT, "Capacity: %s req/s (%s%s)%n", number(outcome.capacityRps()), outcome.stopReason(),
                    outcome.lowestFailRps() == null ? "" : "; lowest fail " + number(outcome.lowestFailRps()) + " req/s");
        } else {
            out.printf(Locale.ROOT, "Capacity: none found (%s)%n", outcome.stopReason());
        }
        if (output != null) {
            SearchDocument document = new SearchDocument(SearchDocument.SCHEMA_VERSION, "loadlab-client", label,
                    startTime, List.copyOf(spec.commandLine().getParseResult().originalArgs()), target.toString(),
                    deadline.toMillis(), sloGoodput, sloP99.toNanos() / 1e6, startRateHz, maxRateHz, maxSteps,
                    precision,
                    stepDuration.toMillis(), stepWarmup.toMillis(), kind.wireName(), settle.idleMs().orElse(null),
                    settle.settledBelowMs(), settle.limit().toMillis(), outcome.steps(),
                    outcome.capacityRps(), outcome.lowestFailRps(), outcome.stopReason());
            ResultFiles.jsonMapper().writeValue(output.resolve(SearchDocument.FILE_NAME).toFile(), document);
            out.println("Results written to " + output);
        }
        out.flush();
        return 0;
    }

    /** One open loop at {@code rateHz}, judged. */
    private SearchStep step(URI target, TransportKind kind, int number, String stage, double rateHz,
                            SettleProbe.Wait settled) throws IOException, InterruptedException {
        int stepConnections = connections != null ? connections
                : (int) Math.min(MAX_CONNECTIONS, Math.ceil(rateHz * deadline.toMillis() / 1000.0 * 1.5) + 16);
        LoadShape.OpenLoop shape = new LoadShape.OpenLoop(rateHz, LoadShape.Arrival.UNIFORM, 1, stepConnections);
        LoadSettings settings = new LoadSettings(target, "GET", Optional.empty(), deadline, stepWarmup, shape,
                StopCondition.afterDuration(stepDuration)).withTransport(kind).withRealtime(realtime)
                .withWakeGrid(wakeGrid == null ? LoadSettings.DEFAULT_WAKE_GRID : wakeGrid);
        RunOutcome run;
        try (Transport carrier = Transports.open(settings)) {
            if (number == 1) {
                carrier.warning().ifPresent(warning -> {
                    PrintWriter err = spec.commandLine().getErr();
                    err.println("client: " + warning);
                    err.flush();
                });
            }
            run = LoadRun.execute(settings, carrier, List.of());
        }
        String stepLabel = String.format(Locale.ROOT, "%sstep-%02d", label == null ? "" : label + "-", number);
        ResultDocument result = ResultDocument.of(run, echo(settings, shape), List.of("search", "step", "--rate",
                number(rateHz)), stepLabel);
        String resultDir = null;
        if (output != null) {
            resultDir = String.format(Locale.ROOT, "step-%02d", number);
            ResultFiles.write(output.resolve(resultDir), result, run);
        }
        long good = goodWithinDeadline(run);
        double answeredRps = answeredRps(run);
        boolean keptUp = answeredRps >= SearchStep.KEPT_UP_FRACTION * rateHz;
        double lagP99Nanos = run.histogram(HistogramKind.DISPATCH_LAG).getValueAtPercentile(99) * 1e3;
        List<String> limits = clientLimits(run, lagP99Nanos);
        double p99Ms = result.histograms().get(HistogramKind.LATENCY.tag()).p99Ms();
        boolean p99Kept = p99Ms <= sloP99.toNanos() / 1e6;
        boolean passed = limits.isEmpty() && keptUp && p99Kept && run.counts().sent() > 0
                && good >= sloGoodput * run.counts().sent();
        return new SearchStep(number, stage, rateHz, run.counts().sent(), good, answeredRps, keptUp, p99Ms, p99Kept,
                lagP99Nanos / 1e6, !limits.isEmpty(), limits, run.cpu().disturbed(), settled.waitedMs(),
                settled.settled(), passed, resultDir);
    }

    /**
     * Why the client, not the server, limited a step, one sentence each; empty when it did not:
     * its CPU was the limit, it did not keep the timetable's rate, or its dispatch lag (p99) took
     * more than {@value #LAG_SHARE_OF_DEADLINE} of the deadline. A smaller lag cannot change the
     * verdict: each latency counts from its slot's intended time, so a late send is already in
     * the goodput within the deadline. The step's own {@code client_limit} (in its result.json)
     * is stricter, a verdict on the client as an instrument (a lag over a millisecond or one
     * inter-arrival gap), and is not the search's.
     */
    private List<String> clientLimits(RunOutcome run, double lagP99Nanos) {
        List<String> limits = new ArrayList<>(run.cpu().limitReasons());
        long tolerance = Math.round(deadline.toNanos() * LAG_SHARE_OF_DEADLINE);
        run.schedule().ifPresent(schedule -> limits.addAll(schedule.behindReasons(lagP99Nanos, tolerance,
                String.format(Locale.ROOT, "tolerance (%.0f%% of the deadline)", LAG_SHARE_OF_DEADLINE * 100))));
        return limits;
    }

    /**
     * Every outcome of the step per second, over the time from its first slot to its last outcome
     * less the median latency from intended time (what the last request would have taken had the
     * server kept up), and never over less than the timetable's own length. A server that keeps up
     * answers at the offered rate; one that falls behind drains its queue at its own rate, which
     * this shows even when no answer has yet waited as long as the deadline.
     */
    private static double answeredRps(RunOutcome run) {
        long sent = run.counts().sent();
        double scheduledSeconds = sent / ((LoadShape.OpenLoop) run.settings().shape()).rateHz();
        double medianSeconds = run.histogram(HistogramKind.LATENCY).getValueAtPercentile(50) / 1e6;
        double windowSeconds = Math.max(scheduledSeconds, run.totalSeconds() - medianSeconds);
        return windowSeconds > 0 ? run.counts().completed() / windowSeconds : 0;
    }

    /**
     * 2xx answers within the deadline from their intended send time. The deadline is the step's
     * timeout, so every answer later than it from its actual send is already a timeout, recorded
     * in the latency histogram at the deadline after its send, and not a success. Of the rest,
     * every answer whose latency from the intended time exceeds the deadline (it left late) is
     * taken away from the successes: exact when no error answer took longer than the deadline,
     * short by those when one did.
     */
    private long goodWithinDeadline(RunOutcome run) {
        Histogram latency = run.histogram(HistogramKind.LATENCY);
        long deadlineMicros = deadline.toNanos() / 1_000;
        long late = latency.getTotalCount() - latency.getCountBetweenValues(0, deadlineMicros);
        long timeouts = run.counts().failures().getOrDefault(FailureCause.TIMEOUT, 0L);
        return Math.max(0, run.counts().successful() - Math.max(0, late - timeouts));
    }

    private ResultDocument.Settings echo(LoadSettings settings, LoadShape.OpenLoop shape) {
        return new ResultDocument.Settings(settings.url().toString(), settings.method(), null, "open", null,
                shape.rateHz(), "uniform", null, null, stepDuration.toMillis(), stepWarmup.toMillis(),
                deadline.toMillis(), work.ioMs(), work.cpuMs(), work.params(), shape.connections(),
                settings.transport().wireName(), settings.transport() == TransportKind.NETTY ? 1 : null,
                settings.realtime() ? true : null, RunCommand.wakeGridMillis(settings));
    }

    private URI validatedTarget() {
        if (deadline.isZero()) {
            throw usage("--deadline must be longer than 0s");
        }
        if (!(sloGoodput > 0 && sloGoodput <= 1)) {
            throw usage("--slo-goodput must be a fraction in (0, 1], got " + sloGoodput);
        }
        if (!(startRateHz >= 1 && startRateHz <= MAX_RATE_HZ)) {
            throw usage("--start-rate must be in 1..1000000 req/s, got " + number(startRateHz));
        }
        if (!(maxRateHz >= startRateHz && maxRateHz <= MAX_RATE_HZ)) {
            throw usage("--max-rate must be in --start-rate.." + number(MAX_RATE_HZ) + " req/s, got " + number(maxRateHz));
        }
        if (stepDuration.isZero()) {
            throw usage("--step-duration must be longer than 0s");
        }
        if (maxSteps < 1 || maxSteps > 100) {
            throw usage("--max-steps must be in 1..100, got " + maxSteps);
        }
        if (!(precision > 0 && precision < 1)) {
            throw usage("--precision must be a fraction in (0, 1), got " + precision);
        }
        if (connections != null && (connections < 1 || connections > MAX_CONNECTIONS)) {
            throw usage("--connections must be in 1..10000, got " + connections);
        }
        if (realtime && transport == TransportKind.JDK) {
            throw usage(RunCommand.REALTIME_NEEDS_NETTY);
        }
        RunCommand.wakeGridProblem(wakeGrid, transport == null ? TransportKind.NETTY : transport).ifPresent(problem -> {
            throw usage(problem);
        });
        work.problem().ifPresent(problem -> {
            throw usage(problem);
        });
        URI target = targetUrl();
        Reachability.problem(target, deadline).ifPresent(problem -> {
            throw usage("--url " + url + " cannot be reached: " + problem);
        });
        if (output != null) {
            try {
                Files.createDirectories(output);
            } catch (IOException | UnsupportedOperationException e) {
                throw usage("--output " + output + " cannot be created: " + e.getMessage());
            }
        }
        return target;
    }

    /** The URL with the work parameters appended to its query string. */
    private URI targetUrl() {
        URI parsed;
        try {
            parsed = new URI(url);
        } catch (URISyntaxException e) {
            throw usage("--url '" + url + "' is not a URL: " + e.getReason());
        }
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || parsed.getHost() == null
                || parsed.getFragment() != null) {
            throw usage("--url '" + url + "' is not an http:// or https:// URL with a host and no #fragment,"
                    + " e.g. http://127.0.0.1:8081/api/process_fifo");
        }
        return work.appendedTo(url, parsed);
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? String.format(Locale.ROOT, "%,d", (long) value)
                : Double.toString(value);
    }
}
