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

    @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on, 0 for any free port (default: ${DEFAULT-VALUE}).")
    int port = 8081;

    @Option(names = "--workers", paramLabel = "N",
            description = "Requests in service at most, per lane, 1..100000 (default: ${DEFAULT-VALUE}).")
    int workers = 64;

    @Option(names = "--io-ms", paramLabel = "MS",
            description = "Simulated I/O per request when it does not say (io_ms), 0..60000 (default: ${DEFAULT-VALUE}).")
    long ioMillis = 10;

    @Option(names = "--cpu-ms", paramLabel = "MS",
            description = "Simulated CPU work per request when it does not say (cpu_ms), 0..10000 (default: ${DEFAULT-VALUE}).")
    long cpuMillis = 0;

    @Option(names = "--slowdown", paramLabel = "F",
            description = "Multiplies every request's io_ms and cpu_ms by this whole number, so that this instance behaves as a machine F times slower, 1..100 (default: ${DEFAULT-VALUE}).")
    int slowdown = 1;

    @Mixin
    ListenerOptions listener;

    @Mixin
    QueueOptions queue;


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
        check(ioMillis, 0, 60_000, "--io-ms");
        check(cpuMillis, 0, 10_000, "--cpu-ms");
        check(slowdown, 1, 100, "--slowdown");
        listener.validate(spec.commandLine());
        queue.validate(spec.commandLine());
    }

    private void check(long value, long min, long max, String option) {
        OptionRange.check(spec.commandLine(), value, min, max, option);
    }

    public String host() {
        return listener.host();
    }

    public int port() {
        return port;
    }

    /** The instance name given, or null to derive one from the model and the bound port. */
    public String instance() {
        return listener.instance();
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
        return listener.drainTimeoutMillis();
    }

    public LaneSettings laneSettings() {
        return queue.laneSettings(workers);
    }
}
