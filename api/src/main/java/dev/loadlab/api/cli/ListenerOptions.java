package dev.loadlab.api.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Where a loadlab process listens, what it calls itself and how long it drains: the options the
 * servers and the balancer share, defined once and mixed into both (the port stays with each
 * command, whose default differs). {@link #validate} throws picocli's exception, so a bad value
 * exits 2 with the usage.
 */
public final class ListenerOptions {
    @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(names = "--instance", paramLabel = "NAME",
            description = "Name in every answer's X-Backend or instance field, /health and /stats, 1 to 64 characters (default: <model or balancer>-<port>).")
    String instance;

    @Option(names = "--drain-timeout-ms", paramLabel = "MS",
            description = "On SIGTERM, how long to wait for queued and in-service requests, 1..3600000 (default: ${DEFAULT-VALUE}).")
    long drainTimeoutMillis = 120_000;

    /** Throws picocli's {@link ParameterException} naming the option. */
    public void validate(CommandLine command) {
        if (host.isBlank()) {
            throw new ParameterException(command, "--host must not be empty");
        }
        if (instance != null && (instance.isBlank() || instance.length() > 64)) {
            throw new ParameterException(command, "--instance must be 1 to 64 characters");
        }
        OptionRange.check(command, drainTimeoutMillis, 1, 3_600_000, "--drain-timeout-ms");
    }

    public String host() {
        return host;
    }

    /** The instance name given, or null to derive one from the bound port. */
    public String instance() {
        return instance;
    }

    public long drainTimeoutMillis() {
        return drainTimeoutMillis;
    }
}
