package dev.loadlab.client.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import dev.loadlab.client.load.LoadRun;
import dev.loadlab.client.load.LoadSettings;
import dev.loadlab.client.load.LoadShape;
import dev.loadlab.client.load.RunOutcome;
import dev.loadlab.client.load.StopCondition;
import dev.loadlab.client.load.Transport;
import dev.loadlab.client.load.TransportKind;
import dev.loadlab.client.record.HistogramKind;
import dev.loadlab.client.transport.Transports;

/**
 * The client's open loop against ground truth: an {@link OracleServer} whose every answer time
 * is known, and the {@link OracleModel} of a perfect generator on the same timetable.
 *
 * <p>Why 5% holds on a busy 2-core machine. Every overhead of the real run (the client's
 * wake-ups, loopback, the oracle's timers) only makes answers later, so the client reports at
 * least the model (less only by the histograms' 0.1% precision, or near the stall's edges by
 * one slot, 5 ms). The service times are 100 ms (a mean of 100 ms), so 5% above is 3.5-5 ms at
 * the median and
 * 50 ms at the stall's 1 s: a machine busy enough to delay the median request by that much
 * would be unusable for anything. The preconditions the figures need (every request sent,
 * answered, and reaching the oracle; the stall begun) are asserted, not assumed.
 */
class OracleTest {
    private static final double RATE_HZ = 200;
    private static final Duration WARMUP = Duration.ofSeconds(1);
    private static final Duration MEASURED = Duration.ofSeconds(6);
    /** Measured requests: 6 s at 200/s. */
    private static final long REQUESTS = 1_200;
    /** The stall begins with the request due 3 s into the measured phase (1 s of warm-up is 200 requests). */
    private static final Stall STALL = new Stall(800, Duration.ofSeconds(1).toNanos());
    private static final double TOLERANCE = 0.05;
    private static final long HALF_A_SECOND_MICROS = 500_000;

    /**
     * On the default transport. The jdk transport's p90 here came out 3.1% and 5.1% above the
     * model in two runs: its p90 falls among the ~140 requests that leave in two bursts when the
     * stall ends, and a burst of 100 sends through {@code HttpClient}'s one selector thread takes
     * it about 30 ms (client/README.md, "Ground truth").
     */
    @Test
    void fixedServiceWithAStallMatchesThePerfectGeneratorAndOnlyInFlightRequestsSeeTheStallUncorrected()
            throws Exception {
        // 100 ms each at 200/s keeps 20 requests in flight; 100 connections. In the stall all 100 fill
        // (by 0.4 s into it) and wait on the oracle; the ~120 requests due after that wait for a
        // connection, in the client, and leave in two bursts once it ends. (With fewer connections
        // the backlog drains in more rounds, each adding the client's cost of a burst to the next:
        // with 50, eight rounds took the jdk transport's p90 6.7% above the model.)
        ServiceTime service = new ServiceTime.Fixed(Duration.ofMillis(100).toNanos());
        int connections = 100;
        OracleModel model = OracleModel.of(RATE_HZ, WARMUP.toNanos(), MEASURED.toNanos(), connections, service, STALL);
        RunOutcome outcome = runAgainstOracle(TransportKind.NETTY, service, connections);

        assertMatchesModel(outcome.histogram(HistogramKind.LATENCY), model.latency(), "latency",
                50, 90, 99, 100);
        // Not p90 from the actual send: it falls among the ~140 requests that leave in a burst when the
        // stall ends, where the client's and the oracle's cost of a burst (5-17 ms measured) is in every
        // value; from the intended time the same cost is a few percent of the stall's wait.
        assertMatchesModel(outcome.histogram(HistogramKind.LATENCY_UNCORRECTED), model.uncorrected(),
                "latency_uncorrected", 50, 99, 100);
        // The stall's share: from intended time, every request due in it; from the actual send,
        // only the requests on the oracle when it began or sent while it lasted, one per connection.
        assertThat(model.heldInFlight()).isEqualTo(connections);
        assertThat(above(outcome.histogram(HistogramKind.LATENCY_UNCORRECTED), HALF_A_SECOND_MICROS))
                .isEqualTo(above(model.uncorrected(), HALF_A_SECOND_MICROS)).isEqualTo(connections);
        assertThat((double) above(outcome.histogram(HistogramKind.LATENCY), HALF_A_SECOND_MICROS))
                .isCloseTo(above(model.latency(), HALF_A_SECOND_MICROS),
                        withinPercentage(TOLERANCE * 100))
                .isGreaterThan(connections);
    }

    @Test
    void exponentialServiceWithAStallMatchesThePerfectGenerator() throws Exception {
        // Enough connections for every request of the stall and its tail: nothing waits in the client,
        // so from the actual send the stall shows as fully as from the intended time.
        ServiceTime service = new ServiceTime.Exponential(Duration.ofMillis(100).toNanos(), 42);
        int connections = 400;
        OracleModel model = OracleModel.of(RATE_HZ, WARMUP.toNanos(), MEASURED.toNanos(), connections, service, STALL);
        RunOutcome outcome = runAgainstOracle(TransportKind.NETTY, service, connections);

        assertMatchesModel(outcome.histogram(HistogramKind.LATENCY), model.latency(), "latency",
                50, 90, 99, 100);
        assertMatchesModel(outcome.histogram(HistogramKind.LATENCY_UNCORRECTED), model.uncorrected(),
                "latency_uncorrected", 50, 90, 99, 100);
        assertThat(model.heldInFlight()).isGreaterThan((long) (0.8 * RATE_HZ));
        assertThat((double) above(outcome.histogram(HistogramKind.LATENCY_UNCORRECTED), HALF_A_SECOND_MICROS))
                .isCloseTo(above(model.latency(), HALF_A_SECOND_MICROS),
                        withinPercentage(TOLERANCE * 100));
    }

    @Test
    void theModelOfAStallWithOneConnectionHoldsOneRequestAndQueuesTheRest() {
        // 10/s, 10 ms each, one connection; the stall begins as request 5 (0.5 s) leaves. Request 5 is
        // answered at 1.5 s; requests 6..14 (0.6..1.4 s) leave one by one from 1.5 s, 10 ms apart.
        OracleModel model = OracleModel.of(10, 0, Duration.ofSeconds(2).toNanos(), 1,
                new ServiceTime.Fixed(Duration.ofMillis(10).toNanos()), new Stall(5, Duration.ofSeconds(1).toNanos()));

        assertThat(model.latency().getTotalCount()).isEqualTo(20);
        assertThat(model.heldInFlight()).isEqualTo(1);
        assertThat(model.latency().valuesAreEquivalent(model.latency().getMaxValue(), 1_000_000)).isTrue();
        assertThat(model.uncorrected().valuesAreEquivalent(model.uncorrected().getMaxValue(), 1_000_000)).isTrue();
        // Request 6, due at 0.6 s, leaves at 1.5 s and is answered at 1.51 s: 910 ms from its slot.
        assertThat(model.latency().getCountAtValue(model.latency().lowestEquivalentValue(910_000))).isEqualTo(1);
        // Every request but the held one took exactly its 10 ms from its actual send.
        assertThat(model.uncorrected().getCountAtValue(10_000)).isEqualTo(19);
    }

    private static RunOutcome runAgainstOracle(TransportKind transport, ServiceTime service, int connections)
            throws Exception {
        try (OracleServer oracle = OracleServer.start(service, STALL)) {
            LoadSettings settings = new LoadSettings(oracle.url(), "GET", Optional.empty(), Duration.ofSeconds(10),
                    WARMUP, new LoadShape.OpenLoop(RATE_HZ, LoadShape.Arrival.UNIFORM, 1, connections),
                    StopCondition.afterDuration(MEASURED)).withTransport(transport);
            RunOutcome outcome;
            try (Transport carrier = Transports.open(settings)) {
                outcome = LoadRun.execute(settings, carrier, List.of());
            }
            // Preconditions of the comparison: the model's timetable was sent whole, all of it reached
            // the oracle and was answered, and the stall happened.
            assertThat(outcome.counts().sent()).isEqualTo(REQUESTS);
            assertThat(outcome.counts().successful()).isEqualTo(REQUESTS);
            assertThat(oracle.arrived()).isEqualTo(REQUESTS + (long) (RATE_HZ * WARMUP.toSeconds()));
            assertThat(oracle.stalled()).isTrue();
            assertThat(outcome.histogram(HistogramKind.LATENCY).getTotalCount()).isEqualTo(REQUESTS);
            return outcome;
        }
    }

    /** The percentiles (100: the max) within 5% of the model's. */
    private static void assertMatchesModel(Histogram measured, Histogram model, String name, double... percentiles) {
        for (double percentile : percentiles) {
            long expected = percentile == 100 ? model.getMaxValue() : model.getValueAtPercentile(percentile);
            long actual = percentile == 100 ? measured.getMaxValue() : measured.getValueAtPercentile(percentile);
            assertThat((double) actual).as("%s p%s: model %d us", name, percentile, expected)
                    .isBetween(expected * (1 - TOLERANCE), expected * (1 + TOLERANCE));
        }
    }

    private static long above(Histogram micros, long thresholdMicros) {
        return micros.getTotalCount() - micros.getCountBetweenValues(0, thresholdMicros);
    }
}
