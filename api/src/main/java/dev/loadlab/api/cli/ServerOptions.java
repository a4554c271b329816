package dev.loadlab.api.cli;

import dev.loadlab.api.lane.LaneSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options every loadlab server takes, defined once and mixed into each server's command.
 * {@link #validate()} checks every range, so that a bad value exits 2 with the usage.
 */
public final class ServerOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on, 0 for any free port (default: ${DEFAULT-VALUE}).")
    int port = 8081;

    @Option(names = "--instance", paramLabel = "NAME",
            description = "Name echoed in every answer (default: <model>-<port>).")
    String instance;

    @Option(names = "--workers", paramLabel = "N",
            description = "Requests in service at most, per lane, 1..100000 (default: ${DEFAULT-VALUE}).")
    int workers = 64;

    @Option(names = "--queue-capacity", paramLabel = "N",
            description = "Requests waiting at most, per lane, 0..1000000; more get 503 queue_full (default: ${DEFAULT-VALUE}).")
    int queueCapacity = 10_000;

    @Option(names = "--queue-timeout-ms", paramLabel = "MS",
            description = "A waiter older than this gets 503 queue_timeout, 0 for never, 0..3600000 (default: ${DEFAULT-VALUE}).")
    long queueTimeoutMillis = 0;

    @Option(names = "--io-ms", paramLabel = "MS",
            description = "Simulated I/O per request when it does not say (io_ms), 0..60000 (default: ${DEFAULT-VALUE}).")
    long ioMillis = 10;

    @Option(names = "--cpu-ms", paramLabel = "MS",
            description = "Simulated CPU work per request when it does not say (cpu_ms), 0..10000 (default: ${DEFAULT-VALUE}).")
    long cpuMillis = 0;

    @Option(names = "--slowdown", paramLabel = "F",
            description = "Multiplies every request's io_ms and cpu_ms by this whole number, so that this instance behaves as a machine F times slower, 1..100 (default: ${DEFAULT-VALUE}).")
    int slowdown = 1;

    @Option(names = "--codel-interval-ms", paramLabel = "MS",
            description = "CoDel's interval: a lane is congested while every request that entered service in the last one waited longer than --codel-target-ms (adaptive-lifo, codel), 1..60000 (default: ${DEFAULT-VALUE}).")
    long codelIntervalMillis = 100;

    @Option(names = "--codel-target-ms", paramLabel = "MS",
            description = "CoDel's target queueing delay; also the longest wait the codel lane allows while congested, 1..60000 (default: ${DEFAULT-VALUE}).")
    long codelTargetMillis = 5;

    @Option(names = "--drain-timeout-ms", paramLabel = "MS",
            description = "On SIGTERM, how long to wait for queued and in-service requests, 1..3600000 (default: ${DEFAULT-VALUE}).")
    long drainTimeoutMillis = 120_000;

    /** Options from arguments, validated; for tests and tools that start a server in-process. */
    public static ServerOptions parse(String... args) {
        Parsed parsed = new Parsed();
        new CommandLine(parsed).parseArgs(args);
        parsed.options.validate();
        return parsed.options;
    }

    @Command(name = "server")
    private static final class Parsed {
        @Mixin
        ServerOptions options;
    }

    /** Throws picocli's {@link ParameterException} naming the option and its range. */
    public void validate() {
        check(port, 0, 65_535, "--port");
        check(workers, 1, 100_000, "--workers");
        check(queueCapacity, 0, 1_000_000, "--queue-capacity");
        check(queueTimeoutMillis, 0, 3_600_000, "--queue-timeout-ms");
        check(ioMillis, 0, 60_000, "--io-ms");
        check(cpuMillis, 0, 10_000, "--cpu-ms");
        check(slowdown, 1, 100, "--slowdown");
        check(codelIntervalMillis, 1, 60_000, "--codel-interval-ms");
        check(codelTargetMillis, 1, 60_000, "--codel-target-ms");
        check(drainTimeoutMillis, 1, 3_600_000, "--drain-timeout-ms");
        if (host.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--host must not be empty");
        }
        if (instance != null && (instance.isBlank() || instance.length() > 64)) {
            throw new ParameterException(spec.commandLine(), "--instance must be 1 to 64 characters");
        }
    }

    private void check(long value, long min, long max, String option) {
        OptionRange.check(spec.commandLine(), value, min, max, option);
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The instance name given, or null to derive one from the model and the bound port. */
    public String instance() {
        return instance;
    }

    public long ioMillis() {
        return ioMillis;
    }

    public long cpuMillis() {
        return cpuMillis;
    }

    /** The factor every request's work is multiplied by. */
    public int slowdown() {
        return slowdown;
    }

    public long drainTimeoutMillis() {
        return drainTimeoutMillis;
    }

    public LaneSettings laneSettings() {
        return new LaneSettings(workers, queueCapacity, queueTimeoutMillis, codelIntervalMillis, codelTargetMillis);
    }
}
