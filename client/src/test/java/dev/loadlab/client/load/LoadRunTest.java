package dev.loadlab.client.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import dev.loadlab.client.TestServer;
import dev.loadlab.client.TestServer.Answer;
import dev.loadlab.client.record.FailureCause;
import dev.loadlab.client.record.HistogramKind;

class LoadRunTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void closedLoopSendsExactlyNRequests() throws Exception {
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(1))) {
            RunOutcome outcome = run(server.url(), new LoadShape.ClosedLoop(8), StopCondition.afterRequests(500));

            assertThat(outcome.counts().sent()).isEqualTo(500);
            assertThat(outcome.counts().successful()).isEqualTo(500);
            assertThat(outcome.counts().failed()).isZero();
            assertThat(server.received()).isEqualTo(500);
            assertThat(outcome.histogram(HistogramKind.LATENCY).getTotalCount()).isEqualTo(500);
            assertThat(outcome.counts().statusCounts()).containsEntry("200", 500L);
        }
    }

    @Test
    void closedLoopKeepsExactlyConcurrencyRequestsInFlight() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        try (TestServer server = TestServer.start((n, elapsed) -> {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            return Answer.ok(0);
        })) {
            RunOutcome outcome = run(server.url(), new LoadShape.ClosedLoop(4), StopCondition.afterRequests(200));

            assertThat(outcome.counts().successful()).isEqualTo(200);
            assertThat(maxInFlight.get()).isEqualTo(4);
        }
    }

    @Test
    void openLoopAt200HzFor5SecondsSendsAThousandRequestsOnSchedule() throws Exception {
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(2))) {
            RunOutcome outcome = run(server.url(), new LoadShape.OpenLoop(200, LoadShape.Arrival.UNIFORM, 1),
                    StopCondition.afterDuration(Duration.ofSeconds(5)));

            assertThat(outcome.counts().sent()).isEqualTo(1000);
            assertThat(outcome.counts().successful()).isEqualTo(1000);
            ScheduleOutcome schedule = outcome.schedule().orElseThrow();
            // Request i never leaves before its slot i/200 s (how late it may leave depends on the machine).
            assertThat(schedule.scheduledRateHz()).isCloseTo(200, within(0.001));
            assertThat(schedule.dispatchWindowNanos()).isGreaterThanOrEqualTo(4_995_000_000L);
            assertThat(schedule.achievedRateHz()).isLessThanOrEqualTo(200.0);
        }
    }

    @Test
    void poissonArrivalsKeepTheMeanRate() throws Exception {
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(0))) {
            RunOutcome outcome = run(server.url(), new LoadShape.OpenLoop(400, LoadShape.Arrival.POISSON, 7),
                    StopCondition.afterDuration(Duration.ofSeconds(2)));

            // 800 expected; a Poisson count has a standard deviation of about 28 here.
            assertThat(outcome.counts().sent()).isBetween(700L, 900L);
            assertThat(outcome.counts().failed()).isZero();
        }
    }

    @Test
    void serverStallShowsInLatencyFromIntendedTimeButNotFromActualSend() throws Exception {
        // From 1.5 s to 2.5 s after it starts, every request waits until the stall ends. With 2
        // connections only the 2 requests in flight wait on the server (0.25% of 800); the ~200
        // due during the stall wait for a connection, which only the corrected latency shows.
        try (TestServer server = TestServer.start(TestServerStall.between(1_500, 2_500), 256)) {
            RunOutcome outcome = run(server.url(), new LoadShape.OpenLoop(200, LoadShape.Arrival.UNIFORM, 1, 2),
                    StopCondition.afterDuration(Duration.ofSeconds(4)));

            assertThat(outcome.counts().sent()).isEqualTo(800);
            assertThat(outcome.counts().successful()).isEqualTo(800);
            Histogram corrected = outcome.histogram(HistogramKind.LATENCY);
            assertThat(corrected.getValueAtPercentile(99)).isGreaterThanOrEqualTo(900_000);
            assertThat(corrected.getMaxValue()).isGreaterThanOrEqualTo(900_000);
            // About a quarter of the requests fell into the stall, so even the median of those is visible.
            assertThat(corrected.getValueAtPercentile(90)).isGreaterThanOrEqualTo(400_000);
            assertThat(outcome.histogram(HistogramKind.LATENCY_UNCORRECTED).getValueAtPercentile(99))
                    .isLessThan(500_000);
            // The requests that waited for a connection left late: the generator says it fell behind.
            ScheduleOutcome schedule = outcome.schedule().orElseThrow();
            assertThat(schedule.behind(outcome.histogram(HistogramKind.DISPATCH_LAG).getValueAtPercentile(99) * 1e3))
                    .isTrue();
        }
    }

    @Test
    void openLoopUsesAtMostItsConnections() throws Exception {
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(5))) {
            RunOutcome outcome = run(server.url(), new LoadShape.OpenLoop(500, LoadShape.Arrival.UNIFORM, 1, 3),
                    StopCondition.afterDuration(Duration.ofSeconds(1)));

            assertThat(outcome.counts().successful()).isEqualTo(500);
            assertThat(server.connections()).isBetween(1, 3);
        }
    }

    @Test
    void closedLoopUsesAtMostConcurrencyConnections() throws Exception {
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(0))) {
            RunOutcome outcome = run(server.url(), new LoadShape.ClosedLoop(5), StopCondition.afterRequests(1_000));

            assertThat(outcome.counts().successful()).isEqualTo(1_000);
            assertThat(server.connections()).isBetween(1, 5);
        }
    }

    @Test
    void openLoopThatFallsBehindStillSendsEveryScheduledRequestAndSaysSo() throws Exception {
        // One connection and 20 ms answers keep up with 50 requests/s at most: 100 requests/s for 1 s
        // takes about 2 s, and every one of the 100 is still sent, its wait counted from its slot.
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(20))) {
            RunOutcome outcome = run(server.url(), new LoadShape.OpenLoop(100, LoadShape.Arrival.UNIFORM, 1, 1),
                    StopCondition.afterDuration(Duration.ofSeconds(1)));

            assertThat(outcome.counts().sent()).isEqualTo(100);
            assertThat(outcome.counts().successful()).isEqualTo(100);
            assertThat(server.connections()).isEqualTo(1);
            ScheduleOutcome schedule = outcome.schedule().orElseThrow();
            long lagP99Micros = outcome.histogram(HistogramKind.DISPATCH_LAG).getValueAtPercentile(99);
            assertThat(lagP99Micros).isGreaterThan(500_000);
            assertThat(schedule.achievedRateHz()).isLessThan(99);
            assertThat(schedule.behind(lagP99Micros * 1e3)).isTrue();
            assertThat(outcome.histogram(HistogramKind.LATENCY).getMaxValue()).isGreaterThan(500_000);
        }
    }

    @Test
    void everyRequestIsCountedExactlyOnceOverManyShortRuns() throws Exception {
        // The end of a run is where a request can slip between "sent" and "settled": run that
        // moment many times, with one to four senders, in both loops.
        try (TestServer server = TestServer.start((n, elapsed) ->
                new Answer(n % 7 == 0 ? 503 : 200, "{}", 0, n % 3 == 0 ? "vt-1" : "vt-2"))) {
            for (int round = 0; round < 120; round++) {
                int senders = 1 + round % 4;
                long requests = 5 + round % 11;
                LoadShape shape = round % 3 == 2
                        ? new LoadShape.OpenLoop(2_000, LoadShape.Arrival.UNIFORM, 1, senders)
                        : new LoadShape.ClosedLoop(senders);
                RunOutcome outcome = run(server.url(), shape, StopCondition.afterRequests(requests));

                assertThat(outcome.counts().sent()).as("round %d", round).isEqualTo(requests);
                assertThat(outcome.counts().backends().values().stream().mapToLong(Long::longValue).sum())
                        .as("round %d", round).isEqualTo(requests);
                assertThat(outcome.histogram(HistogramKind.LATENCY).getTotalCount())
                        .as("round %d", round).isEqualTo(requests);
            }
        }
    }

    @Test
    void closedLoopHidesTheSameStallThatTheOpenLoopShows() throws Exception {
        // The coordinated omission the open loop avoids: a closed loop stops sending during the stall,
        // so it measures the stall once instead of once per request that should have been sent.
        try (TestServer server = TestServer.start(TestServerStall.between(1_500, 2_500), 256)) {
            RunOutcome outcome = run(server.url(), new LoadShape.ClosedLoop(1),
                    StopCondition.afterDuration(Duration.ofSeconds(4)));

            Histogram latency = outcome.histogram(HistogramKind.LATENCY);
            assertThat(latency.getMaxValue()).isGreaterThanOrEqualTo(500_000);
            assertThat(latency.getValueAtPercentile(99)).isLessThan(100_000);
        }
    }

    @Test
    void timeoutsAreCountedAndRecordedAtTheirTimeout() throws Exception {
        try (TestServer server = TestServer.start((n, elapsed) -> n % 4 == 0 ? Answer.ok(1_500) : Answer.ok(1))) {
            RunOutcome outcome = run(server.url(), new LoadShape.ClosedLoop(4), StopCondition.afterRequests(40),
                    Duration.ofMillis(300));

            assertThat(outcome.counts().sent()).isEqualTo(40);
            assertThat(outcome.counts().failures()).containsOnlyKeys(FailureCause.TIMEOUT);
            long timeouts = outcome.counts().failures().get(FailureCause.TIMEOUT);
            assertThat(timeouts).as("every fourth answer takes 1.5 s").isEqualTo(10);
            assertThat(outcome.counts().successful() + timeouts).isEqualTo(40);
            Histogram latency = outcome.histogram(HistogramKind.LATENCY);
            assertThat(latency.getTotalCount()).isEqualTo(40);
            assertThat(latency.valuesAreEquivalent(latency.getMaxValue(), 300_000)).as("recorded at the timeout").isTrue();
            assertThat(latency.getCountAtValue(300_000)).isEqualTo(10);
        }
    }

    @Test
    void refusedConnectionsAreCountedUnderTheirCause() throws Exception {
        URI closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
        }
        RunOutcome outcome = run(closedPort, new LoadShape.ClosedLoop(3), StopCondition.afterRequests(30));

        assertThat(outcome.counts().sent()).isEqualTo(30);
        assertThat(outcome.counts().failures()).containsExactly(Map.entry(FailureCause.CONNECT_REFUSED, 30L));
        assertThat(outcome.histogram(HistogramKind.LATENCY).getTotalCount()).isZero();
    }

    @Test
    void errorAnswersAreCountedByStatusAndErrorCode() throws Exception {
        try (TestServer server = TestServer.start((n, elapsed) -> n % 2 == 0 ? Answer.queueFull() : Answer.ok(0))) {
            RunOutcome outcome = run(server.url(), new LoadShape.ClosedLoop(1), StopCondition.afterRequests(100));

            assertThat(outcome.counts().successful()).isEqualTo(50);
            assertThat(outcome.counts().failures()).containsExactly(Map.entry("status_503", 50L));
            assertThat(outcome.counts().errorCodes()).containsExactly(Map.entry("503 queue_full", 50L));
            assertThat(outcome.counts().statusCounts()).containsEntry("200", 50L).containsEntry("503", 50L);
            assertThat(outcome.histogram(HistogramKind.SERVER_SERVICE).getTotalCount()).isEqualTo(50);
        }
    }

    @Test
    void requestsStillInFlightAtTheEndAreCountedAsTimeouts() throws Exception {
        // The answer's headers come at once but its body never ends: only the watchdog can end it.
        try (StallingBodyServer stalling = StallingBodyServer.start()) {
            RunOutcome outcome = run(stalling.url(), new LoadShape.ClosedLoop(2), StopCondition.afterRequests(2),
                    Duration.ofMillis(300));

            assertThat(outcome.counts().sent()).isEqualTo(2);
            assertThat(outcome.counts().failures()).containsExactly(Map.entry(FailureCause.TIMEOUT, 2L));
            assertThat(outcome.sweptTimeouts()).isEqualTo(2);
            Histogram latency = outcome.histogram(HistogramKind.LATENCY);
            assertThat(latency.valuesAreEquivalent(latency.getMinValue(), 300_000)).as("recorded at the timeout").isTrue();
            assertThat(latency.valuesAreEquivalent(latency.getMaxValue(), 300_000)).as("recorded at the timeout").isTrue();
        }
    }

    @Test
    void warmupRequestsAreNotCounted() throws Exception {
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(1))) {
            LoadSettings settings = new LoadSettings(server.url(), "GET", Optional.empty(), TIMEOUT,
                    Duration.ofMillis(500), new LoadShape.ClosedLoop(2), StopCondition.afterRequests(100));
            RunOutcome outcome = LoadRun.execute(settings, List.of());

            assertThat(outcome.counts().sent()).isEqualTo(100);
            assertThat(server.received()).isGreaterThan(100);
            assertThat(outcome.histogram(HistogramKind.LATENCY).getTotalCount()).isEqualTo(100);
        }
    }

    @Test
    void backendHeaderIsCountedPerBackend() throws Exception {
        try (TestServer server = TestServer.start((n, elapsed) ->
                new Answer(200, "{}", 0, n % 3 == 0 ? "vt-1" : "vt-2"))) {
            RunOutcome outcome = run(server.url(), new LoadShape.ClosedLoop(1), StopCondition.afterRequests(30));

            assertThat(outcome.counts().backends()).containsEntry("vt-1", 10L).containsEntry("vt-2", 20L);
        }
    }

    @Test
    void bothStopConditionsStopAtWhicheverComesFirst() throws Exception {
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(0))) {
            RunOutcome outcome = run(server.url(), new LoadShape.ClosedLoop(2),
                    new StopCondition(OptionalLong.of(50), Optional.of(Duration.ofSeconds(30))));

            assertThat(outcome.counts().sent()).isEqualTo(50);
            assertThat(outcome.totalSeconds()).isLessThan(10);
        }
    }

    private static RunOutcome run(URI url, LoadShape shape, StopCondition stop) throws InterruptedException {
        return run(url, shape, stop, TIMEOUT);
    }

    private static RunOutcome run(URI url, LoadShape shape, StopCondition stop, Duration timeout)
            throws InterruptedException {
        RunOutcome outcome = LoadRun.execute(
                new LoadSettings(url, "GET", Optional.empty(), timeout, Duration.ZERO, shape, stop), List.of());
        // Nothing lost: every request sent is either a success or a failure with a cause.
        assertThat(outcome.counts().successful() + outcome.counts().failed()).isEqualTo(outcome.counts().sent());
        assertThat(outcome.counts().failures().values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(outcome.counts().failed());
        return outcome;
    }

    /** A stall: requests that arrive in [fromMillis, toMillis) are answered at toMillis. */
    private static final class TestServerStall {
        static TestServer.Behaviour between(long fromMillis, long toMillis) {
            return (n, elapsed) -> elapsed >= fromMillis && elapsed < toMillis
                    ? Answer.ok(toMillis - elapsed)
                    : Answer.ok(1);
        }
    }

    /** Answers headers and then never finishes the body. */
    private static final class StallingBodyServer implements AutoCloseable {
        private final ServerSocket socket;
        private final Thread acceptor;

        private StallingBodyServer(ServerSocket socket) {
            this.socket = socket;
            this.acceptor = Thread.ofPlatform().daemon().start(this::serve);
        }

        static StallingBodyServer start() throws IOException {
            return new StallingBodyServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
        }

        private void serve() {
            List<Socket> open = new ArrayList<>();
            try {
                while (true) {
                    Socket connection = socket.accept();
                    open.add(connection);
                    connection.getOutputStream().write(
                            "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{".getBytes(StandardCharsets.US_ASCII));
                    connection.getOutputStream().flush();
                }
            } catch (IOException closed) {
                for (Socket connection : open) {
                    try {
                        connection.close();
                    } catch (IOException alreadyClosed) {
                        // the test is over either way
                    }
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            try {
                acceptor.join(5_000);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
