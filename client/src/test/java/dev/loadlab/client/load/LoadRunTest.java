package dev.loadlab.client.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.loadlab.client.TestServer;
import dev.loadlab.client.TestServer.Answer;
import dev.loadlab.client.record.FailureCause;
import dev.loadlab.client.record.HistogramKind;
import dev.loadlab.client.transport.Transports;

class LoadRunTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void closedLoopSendsExactlyNRequests(TransportKind transport) throws Exception {
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(1))) {
            RunOutcome outcome = run(transport, server.url(), new LoadShape.ClosedLoop(8), StopCondition.afterRequests(500));

            assertThat(outcome.counts().sent()).isEqualTo(500);
            assertThat(outcome.counts().successful()).isEqualTo(500);
            assertThat(outcome.counts().failed()).isZero();
            assertThat(server.received()).isEqualTo(500);
            assertThat(outcome.histogram(HistogramKind.LATENCY).getTotalCount()).isEqualTo(500);
            assertThat(outcome.counts().statusCounts()).containsEntry("200", 500L);
        }
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void closedLoopKeepsExactlyConcurrencyRequestsInFlight(TransportKind transport) throws Exception {
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
            RunOutcome outcome = run(transport, server.url(), new LoadShape.ClosedLoop(4), StopCondition.afterRequests(200));

            assertThat(outcome.counts().successful()).isEqualTo(200);
            assertThat(maxInFlight.get()).isEqualTo(4);
        }
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void openLoopAt200HzFor5SecondsSendsAThousandRequestsOnSchedule(TransportKind transport) throws Exception {
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(2))) {
            RunOutcome outcome = run(transport, server.url(), new LoadShape.OpenLoop(200, LoadShape.Arrival.UNIFORM, 1),
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

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void poissonArrivalsSendExactlyTheSlotsTheSeededTimetableHolds(TransportKind transport) throws Exception {
        LoadShape.OpenLoop poisson = new LoadShape.OpenLoop(400, LoadShape.Arrival.POISSON, 7);
        long slotsInTwoSeconds = 0;
        ArrivalSchedule timetable = ArrivalSchedule.of(poisson);
        while (timetable.nextOffsetNanos() < 2_000_000_000L) {
            slotsInTwoSeconds++;
        }
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(0))) {
            RunOutcome outcome = run(transport, server.url(), poisson, StopCondition.afterDuration(Duration.ofSeconds(2)));

            assertThat(outcome.counts().sent()).isEqualTo(slotsInTwoSeconds);
            assertThat(outcome.counts().successful()).isEqualTo(slotsInTwoSeconds);
            assertThat(outcome.schedule().orElseThrow().sent()).isEqualTo(slotsInTwoSeconds);
        }
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void serverStallShowsInLatencyFromIntendedTimeButNotFromActualSend(TransportKind transport) throws Exception {
        // From 1.5 s to 2.5 s after the first request, every request waits until the stall ends. With 2
        // connections only the 2 requests in flight wait on the server (0.25% of 800); the ~200
        // due during the stall wait for a connection, which only the corrected latency shows.
        try (TestServer server = TestServer.start(TestServerStall.between(1_500, 2_500), 256)) {
            RunOutcome outcome = run(transport, server.url(), new LoadShape.OpenLoop(200, LoadShape.Arrival.UNIFORM, 1, 2),
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

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void openLoopUsesAtMostItsConnections(TransportKind transport) throws Exception {
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(5))) {
            RunOutcome outcome = run(transport, server.url(), new LoadShape.OpenLoop(500, LoadShape.Arrival.UNIFORM, 1, 3),
                    StopCondition.afterDuration(Duration.ofSeconds(1)));

            assertThat(outcome.counts().successful()).isEqualTo(500);
            assertThat(server.connections()).isBetween(1, 3);
        }
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void closedLoopUsesAtMostConcurrencyConnections(TransportKind transport) throws Exception {
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(0))) {
            RunOutcome outcome = run(transport, server.url(), new LoadShape.ClosedLoop(5), StopCondition.afterRequests(1_000));

            assertThat(outcome.counts().successful()).isEqualTo(1_000);
            assertThat(server.connections()).isBetween(1, 5);
        }
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void openLoopThatFallsBehindStillSendsEveryScheduledRequestAndSaysSo(TransportKind transport) throws Exception {
        // One connection and 20 ms answers keep up with 50 requests/s at most: 100 requests/s for 1 s
        // takes about 2 s, and every one of the 100 is still sent, its wait counted from its slot.
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(20))) {
            RunOutcome outcome = run(transport, server.url(), new LoadShape.OpenLoop(100, LoadShape.Arrival.UNIFORM, 1, 1),
                    StopCondition.afterDuration(Duration.ofSeconds(1)));

            assertThat(outcome.counts().sent()).isEqualTo(100);
            assertThat(outcome.counts().successful()).isEqualTo(100);
            assertThat(server.connections()).isEqualTo(1);
            ScheduleOutcome schedule = outcome.schedule().orElseThrow();
            long lagP99Micros = outcome.histogram(HistogramKind.DISPATCH_LAG).getValueAtPercentile(99);
            assertThat(lagP99Micros).isGreaterThan(500_000);
            assertThat(schedule.achievedRateHz()).isLessThan(99);
            assertThat(schedule.behindReasons(lagP99Micros * 1e3))
                    .anyMatch(reason -> reason.startsWith("behind schedule: "))
                    .anyMatch(reason -> reason.startsWith("dispatch-lag p99 "));
            assertThat(outcome.histogram(HistogramKind.LATENCY).getMaxValue()).isGreaterThan(500_000);
        }
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void everyRequestIsCountedExactlyOnceOverManyShortRuns(TransportKind transport) throws Exception {
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
                RunOutcome outcome = run(transport, server.url(), shape, StopCondition.afterRequests(requests));

                assertThat(outcome.counts().sent()).as("round %d", round).isEqualTo(requests);
                assertThat(outcome.counts().backends().values().stream().mapToLong(Long::longValue).sum())
                        .as("round %d", round).isEqualTo(requests);
                assertThat(outcome.histogram(HistogramKind.LATENCY).getTotalCount())
                        .as("round %d", round).isEqualTo(requests);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void closedLoopHidesTheSameStallThatTheOpenLoopShows(TransportKind transport) throws Exception {
        // The coordinated omission the open loop avoids: a closed loop stops sending during the stall,
        // so it measures the stall once instead of once per request that should have been sent.
        try (TestServer server = TestServer.start(TestServerStall.between(1_500, 2_500), 256)) {
            RunOutcome outcome = run(transport, server.url(), new LoadShape.ClosedLoop(1),
                    StopCondition.afterDuration(Duration.ofSeconds(4)));

            Histogram latency = outcome.histogram(HistogramKind.LATENCY);
            assertThat(latency.getMaxValue()).isGreaterThanOrEqualTo(500_000);
            assertThat(latency.getValueAtPercentile(99)).isLessThan(100_000);
        }
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void timeoutsAreCountedAndRecordedAtTheirTimeout(TransportKind transport) throws Exception {
        // Every fourth answer takes 10 s, five times the 2 s timeout; the others 1 ms, 2000 times less.
        try (TestServer server = TestServer.start((n, elapsed) -> n % 4 == 0 ? Answer.ok(10_000) : Answer.ok(1))) {
            RunOutcome outcome = run(transport, server.url(), new LoadShape.ClosedLoop(4),
                    StopCondition.afterRequests(40), Duration.ofSeconds(2));

            assertThat(outcome.counts().sent()).isEqualTo(40);
            assertThat(outcome.counts().failures()).containsOnlyKeys(FailureCause.TIMEOUT);
            long timeouts = outcome.counts().failures().get(FailureCause.TIMEOUT);
            assertThat(timeouts).as("every fourth answer takes 10 s").isEqualTo(10);
            assertThat(outcome.sweptTimeouts()).as("given up by the watchdog").isEqualTo(10);
            assertThat(outcome.counts().successful() + timeouts).isEqualTo(40);
            Histogram latency = outcome.histogram(HistogramKind.LATENCY);
            assertThat(latency.getTotalCount()).isEqualTo(40);
            assertThat(latency.valuesAreEquivalent(latency.getMaxValue(), 2_000_000)).as("recorded at the timeout").isTrue();
            assertThat(latency.getCountAtValue(2_000_000)).isEqualTo(10);
        }
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void aTimeoutCloseToTheAnswerTimeIsSettledExactlyOnce(TransportKind transport) throws Exception {
        // Answers take 150 to 250 ms against a 200 ms timeout swept every 100 ms: the answer and the
        // watchdog race for the same requests. Each is counted once, as an answer within the timeout
        // or as a timeout at it, and no interrupt meant for one request fails the next.
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(150 + 10 * (n % 11)))) {
            RunOutcome outcome = run(transport, server.url(), new LoadShape.ClosedLoop(8),
                    StopCondition.afterRequests(120), Duration.ofMillis(200));

            assertThat(outcome.counts().sent()).isEqualTo(120);
            assertThat(outcome.counts().failures().keySet()).isSubsetOf(FailureCause.TIMEOUT);
            Histogram latency = outcome.histogram(HistogramKind.LATENCY);
            assertThat(latency.getTotalCount()).as("every request recorded once").isEqualTo(120);
            assertThat(latency.getMaxValue()).as("nothing later than the timeout")
                    .isLessThanOrEqualTo(latency.highestEquivalentValue(200_000));
            assertThat(outcome.counts().successful()).as("answers under 200 ms").isPositive();
            assertThat(outcome.counts().failures().get(FailureCause.TIMEOUT)).as("answers over 200 ms").isPositive();
        }
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void httpsTargetsWorkWithASelfSignedCertificate(TransportKind transport) throws Exception {
        try (TestServer server = TestServer.startTls((n, elapsed) -> Answer.ok(0))) {
            RunOutcome outcome = run(transport, server.url(), new LoadShape.ClosedLoop(3), StopCondition.afterRequests(60));

            assertThat(outcome.counts().successful()).isEqualTo(60);
            assertThat(outcome.histogram(HistogramKind.SERVER_QUEUED).getTotalCount()).isEqualTo(60);
            assertThat(server.connections()).isBetween(1, 3);
        }
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void aServerThatClosesAfterEachAnswerIsReconnectedAndEveryRequestCounted(TransportKind transport)
            throws Exception {
        try (TestServer server = TestServer.startClosingEachConnection((n, elapsed) -> Answer.ok(0))) {
            RunOutcome outcome = run(transport, server.url(), new LoadShape.ClosedLoop(4),
                    StopCondition.afterRequests(200));

            assertThat(outcome.counts().successful()).isEqualTo(200);
            assertThat(server.received()).isEqualTo(200);
            assertThat(server.connections()).as("a connection per request").isEqualTo(200);
        }
    }

    @Test
    void theNettyTransportCarriesTenThousandConnectionsInAnOpenLoop() throws Exception {
        // 5,000 requests/s for 2 s, each answered after 3 s: all 10,000 are in flight at once, on
        // 10,000 connections. The server runs in a process of its own: one process may not hold
        // the sockets of both ends. Netty only: the jdk transport (10,000 virtual threads on one
        // HttpClient) answered 1,505 of them within 30 s on a loaded 2-core machine (client/README.md).
        try (ChildServer server = ChildServer.start(3_000)) {
            RunOutcome outcome = run(new LoadSettings(server.url(), "GET", Optional.empty(), Duration.ofSeconds(30),
                    Duration.ZERO, new LoadShape.OpenLoop(5_000, LoadShape.Arrival.UNIFORM, 1, 10_000),
                    StopCondition.afterDuration(Duration.ofSeconds(2))).withTransport(TransportKind.NETTY));

            assertThat(outcome.counts().sent()).isEqualTo(10_000);
            assertThat(outcome.counts().successful()).isEqualTo(10_000);
            assertThat(outcome.histogram(HistogramKind.LATENCY_UNCORRECTED).getMinValue())
                    .as("each answered after 3 s").isGreaterThanOrEqualTo(3_000_000);
            assertThat(server.connections()).as("connections the server saw").isBetween(5_000, 10_000);
        }
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void refusedConnectionsAreCountedUnderTheirCause(TransportKind transport) throws Exception {
        URI closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
        }
        RunOutcome outcome = run(transport, closedPort, new LoadShape.ClosedLoop(3), StopCondition.afterRequests(30));

        assertThat(outcome.counts().sent()).isEqualTo(30);
        assertThat(outcome.counts().failures()).containsExactly(Map.entry(FailureCause.CONNECT_REFUSED, 30L));
        assertThat(outcome.histogram(HistogramKind.LATENCY).getTotalCount()).isZero();
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void errorAnswersAreCountedByStatusAndErrorCode(TransportKind transport) throws Exception {
        try (TestServer server = TestServer.start((n, elapsed) -> n % 2 == 0 ? Answer.queueFull() : Answer.ok(0))) {
            RunOutcome outcome = run(transport, server.url(), new LoadShape.ClosedLoop(1), StopCondition.afterRequests(100));

            assertThat(outcome.counts().successful()).isEqualTo(50);
            assertThat(outcome.counts().failures()).containsExactly(Map.entry("status_503", 50L));
            assertThat(outcome.counts().errorCodes()).containsExactly(Map.entry("503 queue_full", 50L));
            assertThat(outcome.counts().statusCounts()).containsEntry("200", 50L).containsEntry("503", 50L);
            assertThat(outcome.histogram(HistogramKind.SERVER_SERVICE).getTotalCount()).isEqualTo(50);
        }
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void requestsStillInFlightAtTheEndAreCountedAsTimeouts(TransportKind transport) throws Exception {
        // The answer's headers come at once but its body never ends: only the watchdog can end it.
        try (StallingBodyServer stalling = StallingBodyServer.start()) {
            RunOutcome outcome = run(transport, stalling.url(), new LoadShape.ClosedLoop(2), StopCondition.afterRequests(2),
                    Duration.ofMillis(300));

            assertThat(outcome.counts().sent()).isEqualTo(2);
            assertThat(outcome.counts().failures()).containsExactly(Map.entry(FailureCause.TIMEOUT, 2L));
            assertThat(outcome.sweptTimeouts()).isEqualTo(2);
            Histogram latency = outcome.histogram(HistogramKind.LATENCY);
            assertThat(latency.valuesAreEquivalent(latency.getMinValue(), 300_000)).as("recorded at the timeout").isTrue();
            assertThat(latency.valuesAreEquivalent(latency.getMaxValue(), 300_000)).as("recorded at the timeout").isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void warmupRequestsAreNotCounted(TransportKind transport) throws Exception {
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(1))) {
            RunOutcome outcome = run(new LoadSettings(server.url(), "GET", Optional.empty(), TIMEOUT,
                    Duration.ofMillis(500), new LoadShape.ClosedLoop(2), StopCondition.afterRequests(100))
                    .withTransport(transport));

            assertThat(outcome.counts().sent()).isEqualTo(100);
            assertThat(server.received()).isGreaterThan(100);
            assertThat(outcome.histogram(HistogramKind.LATENCY).getTotalCount()).isEqualTo(100);
        }
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void backendHeaderIsCountedPerBackend(TransportKind transport) throws Exception {
        try (TestServer server = TestServer.start((n, elapsed) ->
                new Answer(200, "{}", 0, n % 3 == 0 ? "vt-1" : "vt-2"))) {
            RunOutcome outcome = run(transport, server.url(), new LoadShape.ClosedLoop(1), StopCondition.afterRequests(30));

            assertThat(outcome.counts().backends()).containsEntry("vt-1", 10L).containsEntry("vt-2", 20L);
        }
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void bothStopConditionsStopAtWhicheverComesFirst(TransportKind transport) throws Exception {
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(0))) {
            RunOutcome outcome = run(transport, server.url(), new LoadShape.ClosedLoop(2),
                    new StopCondition(OptionalLong.of(50), Optional.of(Duration.ofSeconds(30))));

            assertThat(outcome.counts().sent()).isEqualTo(50);
            assertThat(outcome.totalSeconds()).isLessThan(10);
        }
    }

    private static RunOutcome run(TransportKind transport, URI url, LoadShape shape, StopCondition stop)
            throws InterruptedException {
        return run(transport, url, shape, stop, TIMEOUT);
    }

    private static RunOutcome run(TransportKind transport, URI url, LoadShape shape, StopCondition stop,
                                  Duration timeout) throws InterruptedException {
        return run(new LoadSettings(url, "GET", Optional.empty(), timeout, Duration.ZERO, shape, stop)
                .withTransport(transport));
    }

    /** Runs through the settings' transport and checks that nothing was lost. */
    private static RunOutcome run(LoadSettings settings) throws InterruptedException {
        RunOutcome outcome;
        try (Transport carrier = Transports.open(settings)) {
            outcome = LoadRun.execute(settings, carrier, List.of());
        }
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

    /** A {@link TestServer} in a process of its own ({@link TestServer#main}). */
    private static final class ChildServer implements AutoCloseable {
        private final Process process;
        private final BufferedReader output;
        private final int port;

        private ChildServer(Process process) throws IOException {
            this.process = process;
            this.output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
            String first = output.readLine();
            if (first == null || !first.startsWith("port ")) {
                throw new IOException("the test server did not start: " + first);
            }
            this.port = Integer.parseInt(first.substring("port ".length()));
        }

        static ChildServer start(long delayMillis) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            return new ChildServer(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    TestServer.class.getName(), Long.toString(delayMillis))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + port + "/");
        }

        /** Stops the server and returns how many connections carried a request. */
        int connections() throws IOException {
            process.getOutputStream().close();
            String last = output.readLine();
            if (last == null || !last.startsWith("connections ")) {
                throw new IOException("the test server did not report its connections: " + last);
            }
            return Integer.parseInt(last.substring("connections ".length()));
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
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
