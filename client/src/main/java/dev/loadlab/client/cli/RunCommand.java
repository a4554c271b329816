package dev.loadlab.client.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.loadlab.client.load.LoadRun;
import dev.loadlab.client.load.LoadSettings;
import dev.loadlab.client.load.LoadShape;
import dev.loadlab.client.load.RunOutcome;
import dev.loadlab.client.load.StopCondition;
import dev.loadlab.client.load.Transport;
import dev.loadlab.client.load.TransportKind;
import dev.loadlab.client.output.BackendIntervalsFile;
import dev.loadlab.client.output.IntervalLogFile;
import dev.loadlab.client.output.LiveLine;
import dev.loadlab.client.output.ResultDocument;
import dev.loadlab.client.output.ResultFiles;
import dev.loadlab.client.output.TextReport;
import dev.loadlab.client.output.WrkUnits;
import dev.loadlab.client.record.IntervalSink;
import dev.loadlab.client.transport.Transports;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code client run}: one load test, closed or open loop. Every option is checked here,
 * with a message naming the allowed range; the load engine trusts what it is given.
 */
@Command(name = "run", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Runs one load test against --url and prints the result block.",
                "Closed loop with --concurrency (default), open loop with --rate.",
                "'run' is the default command: 'client --url URL ...' is 'client run --url URL ...'."})
public final class RunCommand implements Callable<Integer> {
    static final int DEFAULT_CONCURRENCY = 10;
    static final Duration DEFAULT_DURATION = Duration.ofSeconds(10);
    private static final int MAX_CONCURRENCY = 100_000;
    private static final double MAX_RATE_HZ = 1_000_000;
    /** The servers' limits of the work parameters (WorkRequest's), checked here so a bad value never leaves the client. */
    private static final int MAX_IO_THREADS = 64;
    /** Both run and search refuse --realtime on the jdk transport with this. */
    static final String REALTIME_NEEDS_NETTY =
            "--realtime needs --transport netty: the jdk transport's threads are the JDK's";
    private static final String WAKE_GRID_NEEDS_RATE =
            "--wake-grid needs --rate: it paces an open loop's timer; a closed loop sends at every answer";
    private static final Duration MIN_WAKE_GRID = Duration.ofNanos(100_000);
    private static final Duration MAX_WAKE_GRID = Duration.ofMillis(100);
    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,20}");

    @Spec
    private CommandSpec spec;

    @Option(names = {"--url", "--api_url"}, required = true, paramLabel = "URL", order = 1,
            description = "Target, http:// or https://. --api_url is the seed client's name for it.")
    private String url;

    @Option(names = {"-c", "--concurrency"}, paramLabel = "C", order = 2,
            description = "Closed loop: requests in flight, one per connection, 1..100000 (default: 10).")
    private Integer concurrency;

    @Option(names = {"-n", "--requests", "--num_requests"}, paramLabel = "N", order = 3,
            description = "Measured requests to send. With --duration too, whichever comes first.")
    private Long requests;

    @Option(names = {"-d", "--duration"}, paramLabel = "TIME", converter = DurationConverter.class, order = 4,
            description = "How long to send, e.g. 30s, 2m (default: 10s when --requests is absent).")
    private Duration duration;

    @Option(names = {"-R", "--rate"}, paramLabel = "HZ", order = 5,
            description = "Open loop: requests per second on a fixed schedule, latency measured from each"
                    + " request's intended send time. Excludes --concurrency.")
    private Double rateHz;

    @Option(names = "--connections", paramLabel = "N", order = 6,
            description = "Open loop: connections sharing the schedule, each with one request in flight,"
                    + " 1..100000 (default: 100). Needs --rate.")
    private Integer connections;

    @Option(names = "--arrival", paramLabel = "uniform|poisson", order = 6,
            description = "Open loop spacing: uniform (request i at i/rate) or poisson (default: uniform).")
    private LoadShape.Arrival arrival;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", order = 7,
            description = "Seed of the Poisson arrival gaps (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--warmup", paramLabel = "TIME", converter = DurationConverter.class, defaultValue = "0s",
            order = 8, description = "Send this long before measuring; not counted (default: none).")
    private Duration warmup;

    @Option(names = "--timeout", paramLabel = "TIME", converter = DurationConverter.class, defaultValue = "10s",
            order = 9, description = "A request unanswered after this is a timeout (default: ${DEFAULT-VALUE}).")
    private Duration timeout;

    @Option(names = {"-X", "--method"}, paramLabel = "METHOD", order = 10,
            description = "HTTP method (default: GET, or POST with --body).")
    private String method;

    @Mixin
    private WorkOptions work = new WorkOptions();

    @Option(names = "--body", paramLabel = "JSON", order = 14,
            description = "JSON request body, sent with Content-Type: application/json.")
    private String body;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", order = 15,
            description = "Write result.json, result.csv, *.hgrm, histograms.hlog and backends.csv into DIR.")
    private Path output;

    @Option(names = "--label", paramLabel = "TEXT", order = 16,
            description = "A name for this run, kept in result.json and result.csv.")
    private String label;

    @Option(names = "--transport", paramLabel = "netty|jdk", order = 17,
            description = "HTTP stack: netty (event loops, the cheaper) or jdk (java.net.http.HttpClient,"
                    + " a virtual thread per connection) (default: netty).")
    private TransportKind transport;

    @Option(names = "--io-threads", paramLabel = "N", order = 18,
            description = "Event loops of the netty transport, 1..64 (default: 1; more only pays on more cores).")
    private Integer ioThreads;

    @Option(names = "--realtime", order = 18,
            description = "Open loop, netty: run the event loops at real-time priority (SCHED_FIFO 1, set with"
                    + " chrt; needs CAP_SYS_NICE), so that their wake-ups keep the timetable on a machine shared"
                    + " with the server. Refused, the run goes on at normal priority and says so.")
    private boolean realtime;

    @Option(names = "--wake-grid", paramLabel = "TIME", converter = DurationConverter.class, order = 18,
            description = "Open loop, netty: the timer wakes at most once per TIME and sends every request due"
                    + " by then, 100us..100ms (default: 1ms). Finer keeps the dispatch lag shorter for more"
                    + " wake-ups; coarser sends in bunches, as wrk2's connections do when in phase, for fewer"
                    + " wake-ups and less CPU, each request's wait for the grid in its latency.")
    private Duration wakeGrid;

    @Mixin
    private GeneratorOptions fleet;

    @Option(names = {"-q", "--quiet"}, order = 19,
            description = "No live line on stderr (it is shown only when stderr is a terminal).")
    private boolean quiet;

    @Option(names = {"-h", "--help"}, usageHelp = true, order = 20, description = "Show this help and exit.")
    private boolean help;

    @Override
    public Integer call() throws IOException, InterruptedException {
        LoadSettings settings = validatedSettings();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<IntervalSink> sinks = new ArrayList<>();
        IntervalLogFile intervalLog = null;
        BackendIntervalsFile backendIntervals = null;
        if (output != null) {
            intervalLog = new IntervalLogFile(output, describe(settings));
            backendIntervals = new BackendIntervalsFile(output);
            sinks.add(intervalLog);
            sinks.add(backendIntervals);
        }
        if (!quiet && Terminal.stderrIsTerminal()) {
            sinks.add(new LiveLine(err));
        }
        out.println("Running " + describe(settings));
        out.flush();

        RunOutcome outcome;
        try (Transport carrier = Transports.open(settings)) {
            carrier.warning().ifPresent(warning -> {
                err.println("client: " + warning);
                err.flush();
            });
            fleet.announce(settings, out, err);
            outcome = LoadRun.execute(settings, carrier, sinks);
        }
        ResultDocument result = ResultDocument.of(outcome, echo(settings), commandLine(), label);
        TextReport.print(result, out);
        if (output != null) {
            ResultFiles.write(output, result, outcome);
            if (intervalLog.failed()) {
                err.println("client: could not write " + output.resolve(IntervalLogFile.FILE_NAME));
            }
            if (backendIntervals.failed()) {
                err.println("client: could not write " + output.resolve(BackendIntervalsFile.FILE_NAME));
            }
            out.println("Results written to " + output);
        }
        out.flush();
        return 0;
    }

    private LoadSettings validatedSettings() {
        if (rateHz != null && !(rateHz > 0 && rateHz <= MAX_RATE_HZ)) {
            throw usage("--rate must be a number of requests per second in (0, 1000000], got " + number(rateHz));
        }
        if (rateHz != null && concurrency != null) {
            throw usage("--rate and --concurrency conflict: --rate runs an open loop; use --connections to set"
                    + " how many connections (requests in flight at most) share its schedule");
        }
        if (rateHz == null && connections != null) {
            throw usage("--connections needs --rate: it sizes the open loop; a closed loop has --concurrency");
        }
        if (connections != null && (connections < 1 || connections > MAX_CONCURRENCY)) {
            throw usage("--connections must be in 1..100000, got " + connections);
        }
        if (rateHz == null && arrival != null) {
            throw usage("--arrival needs --rate: arrivals are spaced only in an open loop");
        }
        if (concurrency != null && (concurrency < 1 || concurrency > MAX_CONCURRENCY)) {
            throw usage("--concurrency must be in 1..100000, got " + concurrency);
        }
        if (requests != null && requests < 1) {
            throw usage("--requests must be at least 1, got " + requests);
        }
        if (duration != null && duration.isZero()) {
            throw usage("--duration must be longer than 0s");
        }
        if (timeout.isZero()) {
            throw usage("--timeout must be longer than 0s");
        }
        work.problem().ifPresent(problem -> {
            throw usage(problem);
        });
        TransportKind effectiveTransport = transport == null ? TransportKind.NETTY : transport;
        if (ioThreads != null && effectiveTransport != TransportKind.NETTY) {
            throw usage("--io-threads needs --transport netty: the jdk transport has one selector thread of its own");
        }
        if (ioThreads != null && (ioThreads < 1 || ioThreads > MAX_IO_THREADS)) {
            throw usage("--io-threads must be in 1..64, got " + ioThreads);
        }
        if (realtime && rateHz == null) {
            throw usage("--realtime needs --rate: a closed loop's event loop is busy as long as the server is fast,"
                    + " and at real-time priority it would take a core from the server");
        }
        if (realtime && effectiveTransport != TransportKind.NETTY) {
            throw usage(REALTIME_NEEDS_NETTY);
        }
        if (wakeGrid != null && rateHz == null) {
            throw usage(WAKE_GRID_NEEDS_RATE);
        }
        wakeGridProblem(wakeGrid, effectiveTransport).ifPresent(problem -> {
            throw usage(problem);
        });
        String effectiveMethod = method != null ? method : body != null ? "POST" : "GET";
        if (!METHOD.matcher(effectiveMethod).matches()) {
            throw usage("--method must be an upper-case HTTP method such as GET or POST, got '" + method + "'");
        }
        if (body != null) {
            try {
                new ObjectMapper().readTree(body);
            } catch (JsonProcessingException e) {
                throw usage("--body is not valid JSON: " + e.getOriginalMessage());
            }
        }
        URI target = targetUrl();
        Reachability.problem(target, timeout).ifPresent(problem -> {
            throw usage("--url " + url + " cannot be reached: " + problem);
        });
        if (output != null) {
            try {
                Files.createDirectories(output);
            } catch (IOException | UnsupportedOperationException e) {
                throw usage("--output " + output + " cannot be created: " + e.getMessage());
            }
        }
        StopCondition stop = new StopCondition(
                requests == null ? OptionalLong.empty() : OptionalLong.of(requests),
                duration == null && requests == null ? Optional.of(DEFAULT_DURATION) : Optional.ofNullable(duration));
        LoadShape shape = rateHz != null
                ? new LoadShape.OpenLoop(rateHz, arrival == null ? LoadShape.Arrival.UNIFORM : arrival, seed,
                        connections == null ? LoadShape.OpenLoop.DEFAULT_CONNECTIONS : connections)
                : new LoadShape.ClosedLoop(concurrency == null ? DEFAULT_CONCURRENCY : concurrency);
        return fleet.applyTo(new LoadSettings(target, effectiveMethod, Optional.ofNullable(body), timeout, warmup,
                shape, stop, effectiveTransport, ioThreads == null ? 1 : ioThreads).withRealtime(realtime)
                .withWakeGrid(wakeGrid == null ? LoadSettings.DEFAULT_WAKE_GRID : wakeGrid));
    }

    /** What is wrong with {@code --wake-grid} (run's and search's), if given; empty when it is fine. */
    static Optional<String> wakeGridProblem(Duration wakeGrid, TransportKind transport) {
        if (wakeGrid == null) {
            return Optional.empty();
        }
        if (transport != TransportKind.NETTY) {
            return Optional.of("--wake-grid needs --transport netty: the jdk transport's senders each wake at their"
                    + " own slot");
        }
        if (wakeGrid.compareTo(MIN_WAKE_GRID) < 0 || wakeGrid.compareTo(MAX_WAKE_GRID) > 0) {
            return Optional.of("--wake-grid must be in 100us..100ms, got " + WrkUnits.formatDuration(wakeGrid));
        }
        return Optional.empty();
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
        if (!scheme.equals("http") && !scheme.equals("https") || parsed.getHost() == null) {
            throw usage("--url '" + url + "' is not an http:// or https:// URL with a host,"
                    + " e.g. http://127.0.0.1:8081/api/process_fifo");
        }
        if (parsed.getFragment() != null) {
            throw usage("--url '" + url + "' has a #fragment, which is never sent; remove it");
        }
        return work.appendedTo(url, parsed);
    }

    private ResultDocument.Settings echo(LoadSettings settings) {
        StopCondition stop = settings.stop();
        boolean open = settings.shape() instanceof LoadShape.OpenLoop;
        LoadShape.OpenLoop openLoop = open ? (LoadShape.OpenLoop) settings.shape() : null;
        return new ResultDocument.Settings(settings.url().toString(), settings.method(), settings.body().orElse(null),
                open ? "open" : "closed",
                settings.shape() instanceof LoadShape.ClosedLoop closed ? closed.concurrency() : null,
                open ? openLoop.rateHz() : null,
                open ? openLoop.arrival().name().toLowerCase(Locale.ROOT) : null,
                open && openLoop.arrival() == LoadShape.Arrival.POISSON ? openLoop.seed() : null,
                stop.requests().isPresent() ? stop.requests().getAsLong() : null,
                stop.duration().map(Duration::toMillis).orElse(null),
                settings.warmup().toMillis(), settings.timeout().toMillis(), work.ioMs(), work.cpuMs(), work.params(),
                open ? openLoop.connections() : null, settings.transport().wireName(),
                settings.transport() == TransportKind.NETTY ? settings.ioThreads() : null,
                settings.realtime() ? true : null, wakeGridMillis(settings));
    }

    /** {@code wake_grid_ms} of result.json: the netty open loop's grid step; null where there is none. */
    static Double wakeGridMillis(LoadSettings settings) {
        return settings.transport() == TransportKind.NETTY && settings.shape() instanceof LoadShape.OpenLoop
                ? settings.wakeGrid().toNanos() / 1e6 : null;
    }

    private static String describe(LoadSettings settings) {
        String load = switch (settings.shape()) {
            case LoadShape.ClosedLoop closed -> "closed loop, " + closed.concurrency() + " in flight";
            case LoadShape.OpenLoop open -> String.format(Locale.ROOT, "open loop, %s %s req/s over %d connections",
                    open.arrival().name().toLowerCase(Locale.ROOT), number(open.rateHz()), open.connections());
        };
        List<String> stops = new ArrayList<>();
        settings.stop().requests().ifPresent(n -> stops.add(n + " requests"));
        settings.stop().duration().ifPresent(d -> stops.add(WrkUnits.formatDuration(d)));
        String grid = settings.wakeGrid().equals(LoadSettings.DEFAULT_WAKE_GRID) || wakeGridMillis(settings) == null
                ? "" : ", wake grid " + WrkUnits.formatDuration(settings.wakeGrid());
        return String.format(Locale.ROOT, "%s, %s @ %s %s (timeout %s, warm-up %s, %s transport%s)", load,
                String.join(" or ", stops), settings.method(), settings.url(),
                WrkUnits.formatDuration(settings.timeout()),
                settings.warmup().isZero() ? "none" : WrkUnits.formatDuration(settings.warmup()),
                settings.transport().wireName(), grid);
    }

    private List<String> commandLine() {
        return List.copyOf(spec.commandLine().getParseResult().originalArgs());
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value)
                : Double.toString(value);
    }
}
