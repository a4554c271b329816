package dev.loadlab.api.cli;

import dev.loadlab.api.lane.LaneSettings;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * How a lane's waiters are bounded and judged: the queue options the servers (per lane) and the
 * balancer (its one lane) share, defined once and mixed into both. {@link #validate} throws
 * picocli's exception, so a bad value exits 2 with the usage.
 */
public final class QueueOptions {
    @Option(names = "--queue-capacity", paramLabel = "N",
            description = "Requests waiting at most, per lane, 0..1000000; more get 503 queue_full (default: ${DEFAULT-VALUE}).")
    int queueCapacity = 10_000;

    @Option(names = "--queue-timeout-ms", paramLabel = "MS",
            description = "A waiter older than this gets 503 queue_timeout, 0 for never, 0..3600000 (default: ${DEFAULT-VALUE}).")
    long queueTimeoutMillis = 0;

    @Option(names = "--codel-interval-ms", paramLabel = "MS",
            description = "CoDel's interval: a lane is congested once its smallest queueing delay over one interval exceeded --codel-target-ms (adaptive-lifo, codel), 1..60000 (default: ${DEFAULT-VALUE}).")
    long codelIntervalMillis = 100;

    @Option(names = "--codel-target-ms", paramLabel = "MS",
            description = "CoDel's target queueing delay; also the longest wait the codel lane allows while congested, 1..60000 (default: ${DEFAULT-VALUE}).")
    long codelTargetMillis = 5;

    /** Throws picocli's {@link ParameterException} naming the option and its range. */
    public void validate(CommandLine command) {
        OptionRange.check(command, queueCapacity, 0, 1_000_000, "--queue-capacity");
        OptionRange.check(command, queueTimeoutMillis, 0, 3_600_000, "--queue-timeout-ms");
        OptionRange.check(command, codelIntervalMillis, 1, 60_000, "--codel-interval-ms");
        OptionRange.check(command, codelTargetMillis, 1, 60_000, "--codel-target-ms");
    }

    /** The lane's settings with {@code workers} in service at most (0 for a lane that only queues). */
    public LaneSettings laneSettings(int workers) {
        return new LaneSettings(workers, queueCapacity, queueTimeoutMillis, codelIntervalMillis, codelTargetMillis);
    }
}
