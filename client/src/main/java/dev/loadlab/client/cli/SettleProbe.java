package dev.loadlab.client.cli;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.loadlab.client.load.LoadRun;
import dev.loadlab.client.load.LoadSettings;
import dev.loadlab.client.load.LoadShape;
import dev.loadlab.client.load.RunOutcome;
import dev.loadlab.client.load.StopCondition;
import dev.loadlab.client.load.Transport;
import dev.loadlab.client.load.TransportKind;
import dev.loadlab.client.record.HistogramKind;
import dev.loadlab.client.search.CapacitySearch;
import dev.loadlab.client.transport.Transports;

/**
 * Waits, between the steps of a capacity search, until the target has drained what a failed
 * step left it. A step that failed may leave a queue behind it (a server keeps serving requests
 * whose clients left, a proxy its backends' answers), and the next step would then measure that
 * backlog instead of its own rate: measured through the suite's balancer, the steps after a
 * failed one at 2,400 req/s failed at 2,000 (p99 1 s) and then passed at 1,800 and 1,900, while
 * another search passed 2,000 to 2,300 with no fail before them. RFC 2544 lets the device settle
 * between trials for the same reason.
 *
 * <p>Settled means: the fastest of {@value #PROBE_REQUESTS} lone requests, sent one after another,
 * answers within twice the idle latency, or within it plus {@value #SLACK_MILLIS} ms, whichever
 * is more; the idle latency is measured the same way before the first step. Probes go every
 * {@value #PAUSE_MILLIS} ms, for at most {@link CapacitySearch#settleLimit}; a target that does not settle by then is
 * measured anyway, and the step says so.
 *
 * <p><b>Threads.</b> The search's thread only.
 */
final class SettleProbe {
    static final int PROBE_REQUESTS = 3;
    static final long SLACK_MILLIS = 5;
    static final long PAUSE_MILLIS = 100;

    /** How long a search waited before a step, and whether the target had settled by then. */
    record Wait(double waitedMs, boolean settled) {
        static final Wait NONE = new Wait(0, true);
    }

    private final LoadSettings probe;
    private final Duration limit;
    /** The fastest lone answer before the first step, in ms; empty when none came. */
    private Optional<Double> idleMs = Optional.empty();

    SettleProbe(URI target, Duration deadline, TransportKind transport) {
        this.probe = new LoadSettings(target, "GET", Optional.empty(), deadline, Duration.ZERO,
                new LoadShape.ClosedLoop(1), StopCondition.afterRequests(PROBE_REQUESTS)).withTransport(transport);
        this.limit = CapacitySearch.settleLimit(deadline);
    }

    /** The longest {@link #await} waits. */
    Duration limit() {
        return limit;
    }

    /** Measures the idle latency; before the first step, on a target nothing else loads. */
    void measureIdle() throws IOException, InterruptedException {
        idleMs = fastestAnswerMs();
    }

    /** The idle latency measured, in ms. */
    Optional<Double> idleMs() {
        return idleMs;
    }

    /** The latency a probe must beat to call the target settled, in ms; the deadline's tenth without an idle latency. */
    double settledBelowMs() {
        return idleMs.map(idle -> Math.max(2 * idle, idle + SLACK_MILLIS))
                .orElse(probe.timeout().toNanos() / 1e6 / 10);
    }

    /** Probes until the target is settled or {@link #limit} has passed. */
    Wait await() throws IOException, InterruptedException {
        long start = System.nanoTime();
        long end = start + limit.toNanos();
        double below = settledBelowMs();
        while (true) {
            Optional<Double> fastest = fastestAnswerMs();
            long now = System.nanoTime();
            if (fastest.isPresent() && fastest.get() <= below) {
                return new Wait((now - start) / 1e6, true);
            }
            if (now >= end) {
                return new Wait((now - start) / 1e6, false);
            }
            TimeUnit.MILLISECONDS.sleep(PAUSE_MILLIS);
        }
    }

    /** The fastest 2xx answer of {@value #PROBE_REQUESTS} lone requests, from sent to answered; empty when none. */
    private Optional<Double> fastestAnswerMs() throws IOException, InterruptedException {
        RunOutcome run;
        try (Transport carrier = Transports.open(probe)) {
            run = LoadRun.execute(probe, carrier, List.of());
        }
        if (run.counts().successful() == 0 || !run.counts().failures().isEmpty()) {
            return Optional.empty(); // a failure is no sign of a settled target
        }
        return Optional.of(run.histogram(HistogramKind.LATENCY_UNCORRECTED).getMinValue() / 1e3);
    }
}
