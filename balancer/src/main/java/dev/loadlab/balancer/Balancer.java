package dev.loadlab.balancer;

import dev.loadlab.api.cli.ListenerOptions;
import dev.loadlab.api.cli.OptionRange;
import dev.loadlab.api.cli.QueueOptions;
import dev.loadlab.api.cli.ServerLauncher;
import dev.loadlab.api.lane.Discipline;
import dev.loadlab.balancer.backend.BackendAddress;
import dev.loadlab.balancer.backend.EjectionPolicy;
import dev.loadlab.balancer.strategy.PrequalSettings;
import dev.loadlab.balancer.strategy.StrategyName;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code java -jar balancer.jar --backends http://127.0.0.1:8081,http://127.0.0.1:8082}. */
@Command(name = "balancer", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "A reverse proxy in front of loadlab servers (or any HTTP/1.1 backends). Every request",
            "goes to one of --backends, chosen by --strategy among the backends that are healthy",
            "(active checks of GET /health), not ejected (passive: failures in a row), and below",
            "--max-per-backend requests in flight. When every such backend is at its limit, the",
            "request waits in the balancer's own queue (--queue: fifo, lifo, adaptive-lifo, codel).",
            "A request that failed before reaching a backend is retried on another; one that may",
            "have reached it only if idempotent. Answers carry X-Backend: <instance>.",
            "The balancer's own /health, /stats and /metrics shadow the backends'. POST",
            "/admin/strategy?name=NAME switches to a fresh NAME strategy while nothing is in flight.",
            "SIGTERM drains: new requests get 503 draining, queued and in-flight ones finish, exit 0."
        })
public final class Balancer implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on, 0 for any free port (default: ${DEFAULT-VALUE}).")
    int port = 8080;

    @Mixin
    ListenerOptions listener;

    @Mixin
    QueueOptions queueOptions;

    @Option(names = "--backends", paramLabel = "URL[=WEIGHT],...", split = ",", required = true,
            description = "Backends, e.g. http://127.0.0.1:8081=3,http://127.0.0.1:8082 (weight 1..1000, default 1).")
    List<String> backends = new ArrayList<>();

    @Option(names = "--strategy", paramLabel = "NAME",
            description = "round-robin, random, least-connections, power-of-two, weighted-round-robin, peak-ewma, prequal (default: ${DEFAULT-VALUE}).")
    String strategy = "round-robin";

    @Option(names = "--max-per-backend", paramLabel = "N",
            description = "Requests in flight at most per backend, 1..100000 (default: ${DEFAULT-VALUE}).")
    int maxPerBackend = 256;

    @Option(names = "--queue", paramLabel = "DISCIPLINE",
            description = "The balancer's queue discipline: fifo, lifo, adaptive-lifo, codel (default: ${DEFAULT-VALUE}).")
    String queue = "fifo";

    @Option(names = "--retries", paramLabel = "N",
            description = "Other backends to try after a failure, 0..10 (default: ${DEFAULT-VALUE}).")
    int retries = 2;

    @Option(names = "--health-interval-ms", paramLabel = "MS", description = "Time between health checks of a backend, 10..600000 (default: ${DEFAULT-VALUE}).")
    long healthIntervalMillis = 1_000;

    @Option(names = "--health-timeout-ms", paramLabel = "MS", description = "A health check fails after this long, 10..600000 (default: ${DEFAULT-VALUE}).")
    long healthTimeoutMillis = 1_000;

    @Option(names = "--rise", paramLabel = "N", description = "Passed checks in a row to be UP again, 1..100 (default: ${DEFAULT-VALUE}).")
    int rise = 2;

    @Option(names = "--fall", paramLabel = "N", description = "Failed checks in a row to be DOWN, 1..100 (default: ${DEFAULT-VALUE}).")
    int fall = 2;

    @Option(names = "--eject-after", paramLabel = "N",
            description = "Connect failures or 5xx answers in a row that eject a backend, 1..1000 (default: ${DEFAULT-VALUE}).")
    int ejectAfter = 5;

    @Option(names = "--eject-ms", paramLabel = "MS",
            description = "First ejection's length, doubled at each further one, 1..3600000 (default: ${DEFAULT-VALUE}).")
    long ejectMillis = 1_000;

    @Option(names = "--eject-max-ms", paramLabel = "MS",
            description = "Longest ejection, at least --eject-ms (default: 30000, or --eject-ms if longer).")
    Long ejectMaxMillis;

    @Option(names = "--max-request-ms", paramLabel = "MS",
            description = "A request not answered by its backend within this gets 504 gateway_timeout, 0 for no limit (default: ${DEFAULT-VALUE}).")
    int maxRequestMillis = 60_000;

    @Option(names = "--io-threads", paramLabel = "N", description = "Event loops, 1..1024 (default: the number of cores, ${DEFAULT-VALUE}).")
    int ioThreads = Runtime.getRuntime().availableProcessors();

    // The prequal strategy's parameters (the other strategies ignore them).

    @Option(names = "--prequal-probes", paramLabel = "N",
            description = "prequal: probes sent per request, to distinct random backends, 1..16 (default: ${DEFAULT-VALUE}).")
    int prequalProbes = PrequalSettings.DEFAULTS.probesPerRequest();

    @Option(names = "--prequal-pool", paramLabel = "N",
            description = "prequal: probes kept at most, one per backend, 1..1024 (default: ${DEFAULT-VALUE}).")
    int prequalPool = PrequalSettings.DEFAULTS.poolSize();

    @Option(names = "--prequal-reuse", paramLabel = "N",
            description = "prequal: requests one probe may route before it is retired, 1..100 (default: ${DEFAULT-VALUE}).")
    int prequalReuse = PrequalSettings.DEFAULTS.maxReuse();

    @Option(names = "--prequal-max-age-ms", paramLabel = "MS",
            description = "prequal: a probe older than this is retired, 1..60000 (default: ${DEFAULT-VALUE}).")
    long prequalMaxAgeMillis = PrequalSettings.DEFAULTS.maxAgeMillis();

    @Option(names = "--prequal-hot-quantile", paramLabel = "Q",
            description = "prequal: a probe is hot when its requests in flight exceed this quantile of recent "
                    + "probes', 0..1 (default: ${DEFAULT-VALUE}).")
    double prequalHotQuantile = PrequalSettings.DEFAULTS.hotQuantile();

    @Override
    public Integer call() throws InterruptedException {
        BalancerSettings settings = settings();
        return ServerLauncher.runUntilSignal(() -> BalancerServer.start(settings), listener.drainTimeoutMillis(), System.out);
    }

    /** The validated settings; a bad value throws picocli's exception, so it exits 2 with the usage. */
    BalancerSettings settings() {
        check(port, 0, 65_535, "--port");
        listener.validate(spec.commandLine());
        queueOptions.validate(spec.commandLine());
        check(maxPerBackend, 1, 100_000, "--max-per-backend");
        check(retries, 0, 10, "--retries");
        check(healthIntervalMillis, 10, 600_000, "--health-interval-ms");
        check(healthTimeoutMillis, 10, 600_000, "--health-timeout-ms");
        check(rise, 1, 100, "--rise");
        check(fall, 1, 100, "--fall");
        check(ejectAfter, 1, 1_000, "--eject-after");
        check(ejectMillis, 1, 3_600_000, "--eject-ms");
        long longestEjectionMillis = ejectMaxMillis != null ? ejectMaxMillis : Math.max(30_000, ejectMillis);
        check(longestEjectionMillis, ejectMillis, 3_600_000, "--eject-max-ms");
        check(maxRequestMillis, 0, 3_600_000, "--max-request-ms");
        check(ioThreads, 1, 1024, "--io-threads");
        check(prequalProbes, 1, 16, "--prequal-probes");
        check(prequalPool, 1, 1024, "--prequal-pool");
        check(prequalReuse, 1, 100, "--prequal-reuse");
        check(prequalMaxAgeMillis, 1, 60_000, "--prequal-max-age-ms");
        if (!(prequalHotQuantile >= 0 && prequalHotQuantile <= 1)) {
            throw new ParameterException(spec.commandLine(),
                    "--prequal-hot-quantile must be from 0 to 1, got " + prequalHotQuantile);
        }
        Discipline discipline = Discipline.fromWireName(queue).orElseThrow(() -> new ParameterException(
                spec.commandLine(), "--queue must be one of " + Discipline.wireNames() + ", got '" + queue + "'"));
        StrategyName strategyName = StrategyName.fromWireName(strategy).orElseThrow(() -> new ParameterException(
                spec.commandLine(), "--strategy must be one of " + StrategyName.wireNames() + ", got '" + strategy + "'"));
        List<BackendAddress> addresses = new ArrayList<>();
        var seen = new HashSet<String>();
        for (String entry : backends) {
            BackendAddress address;
            try {
                address = BackendAddress.parse(entry);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--backends: " + e.getMessage());
            }
            if (!seen.add(address.hostAndPort())) {
                throw new ParameterException(spec.commandLine(), "--backends names " + address.hostAndPort() + " twice");
            }
            addresses.add(address);
        }
        if (addresses.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--backends needs at least one backend");
        }
        return new BalancerSettings(listener.host(), port, listener.instance(), addresses, strategyName, maxPerBackend, discipline,
                queueOptions.laneSettings(0),
                retries, healthIntervalMillis, healthTimeoutMillis, rise, fall,
                new EjectionPolicy(ejectAfter, ejectMillis, longestEjectionMillis), maxRequestMillis, ioThreads,
                new PrequalSettings(prequalProbes, prequalPool, prequalReuse, prequalMaxAgeMillis, prequalHotQuantile));
    }

    private void check(long value, long min, long max, String option) {
        OptionRange.check(spec.commandLine(), value, min, max, option);
    }

    public static void main(String[] args) {
        System.exit(ServerLauncher.execute(new Balancer(), args));
    }
}
