package dev.loadlab.balancer;

import static dev.loadlab.balancer.TestCluster.backendsOption;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Active checks, passive ejection and retries: what a client sees when backends fail. */
class HealthAndFaultsTest {

    @Test
    void aBackendKilledDuringARunCostsNoClientRequestAndComesBackWhenItReturns() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            int stays = cluster.backend("stays", "--io-ms", "2");
            int dies = cluster.backend("dies", "--io-ms", "2");
            cluster.balancer("--backends", backendsOption(stays, dies), "--strategy", "round-robin",
                    "--rise", "2", "--fall", "2", "--eject-after", "2");

            AtomicInteger sent = new AtomicInteger();
            List<String> failures = new CopyOnWriteArrayList<>();
            Map<String, Integer> spread = new ConcurrentHashMap<>();
            List<CompletableFuture<Void>> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                clients.add(CompletableFuture.runAsync(() -> {
                    while (sent.getAndIncrement() < 600) {
                        HttpResponse<String> answer = cluster.get("/api/process_fifo");
                        if (answer.statusCode() != 200) {
                            failures.add(answer.statusCode() + " from "
                                    + answer.headers().firstValue("X-Backend").orElse("the balancer") + ": " + answer.body());
                        }
                        spread.merge(answer.headers().firstValue("X-Backend").orElse("none"), 1, Integer::sum);
                    }
                }));
            }
            TestCluster.await(() -> sent.get() > 150, "the run is under way");
            cluster.kill(dies);
            clients.forEach(TestCluster::join);
            // Undertow, stopping, answers a request it can no longer dispatch with a bare 503: the
            // dying backend's own answer, which a proxy passes on. Only the few requests on their
            // way to it in that moment can get one; nothing else may fail.
            assertThat(failures).as("client requests that failed: %s", spread)
                    .hasSizeLessThanOrEqualTo(20)
                    .allMatch(failure -> failure.startsWith("503 from dies: "));
            TestCluster.await(() -> cluster.stats().contains("\"healthy\" : false"), "the dead backend is marked down");
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> answer = cluster.get("/api/process_fifo");
                assertThat(answer.statusCode()).as("with the backend down").isEqualTo(200);
                assertThat(answer.headers().firstValue("X-Backend")).hasValue("stays");
            }

            cluster.backendOnPort(dies, "dies-again", "--io-ms", "2");
            TestCluster.await(() -> !cluster.stats().contains("\"healthy\" : false")
                    && !cluster.stats().contains("\"ejected\" : true"), "the backend is up again and its ejection over");
            Map<String, Integer> after = new ConcurrentHashMap<>();
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> answer = cluster.get("/api/process_fifo");
                assertThat(answer.statusCode()).isEqualTo(200);
                after.merge(answer.headers().firstValue("X-Backend").orElse("none"), 1, Integer::sum);
            }
            assertThat(after).containsKey("dies-again");
        }
    }

    @Test
    void everyBackendDownAnswers503NoBackendAtOnce() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            int nobody = freePort();
            cluster.balancer("--backends", backendsOption(nobody), "--fall", "1");
            assertThat(cluster.stats()).as("its first check, before the balancer listens, found it down")
                    .contains("\"healthy\" : false");
            long started = System.nanoTime();
            assertNoBackend(cluster.get("/api/process_fifo"));
            assertThat((System.nanoTime() - started) / 1_000_000).as("answered at once, not after a timeout")
                    .isLessThan(5_000);
        }
    }

    private static void assertNoBackend(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(answer.body()).contains("\"error\":\"no_backend\"");
        assertThat(answer.headers().firstValue("X-Backend")).isEmpty();
    }

    @Test
    void aRequestPastTheTimeLimitIsAnswered504AndFreesItsPlaceOnTheBackend() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            int slow = cluster.backend("slow");
            cluster.balancer("--backends", backendsOption(slow), "--max-request-ms", "300", "--max-per-backend", "1",
                    "--io-threads", "1");
            for (int round = 0; round < 3; round++) {
                // The backend would answer 200 after 20 s; the balancer's limit ends the request first.
                HttpResponse<String> late = cluster.get("/api/process_fifo?io_ms=20000");
                assertThat(late.statusCode()).isEqualTo(504);
                assertThat(late.headers().firstValue("Content-Type")).hasValue("application/json");
                assertThat(late.body()).contains("\"error\":\"gateway_timeout\"");
                assertThat(late.headers().firstValue("X-Backend")).as("no backend answered").isEmpty();
                // The backend's only place is free again, on the same connection and I/O thread.
                HttpResponse<String> next = cluster.get("/api/process_fifo?io_ms=0");
                assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
                assertThat(next.headers().firstValue("X-Backend")).hasValue("slow");
            }
        }
    }

    @Test
    void connectRefusedIsRetriedOnAnotherBackendEvenForPost() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            int alive = cluster.backend("alive");
            int dies = cluster.backend("dies");
            // Checks every 10 minutes: once its first check has passed, the dead backend stays
            // "healthy", so only retries save the requests.
            cluster.balancer("--backends", backendsOption(dies, alive), "--strategy", "round-robin",
                    "--health-interval-ms", "600000", "--eject-after", "1000");
            cluster.kill(dies);
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> answer = cluster.post("/api/process_fifo", "{\"id\":\"p" + i + "\"}");
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(answer.body()).contains("\"id\":\"p" + i + "\"");
            }
            assertThat(cluster.stats()).as("every request went to the dead backend first (round-robin's turn "
                    + "comes back to it): its connects were refused").contains("\"errors\" : 10");
        }
    }

    @Test
    void consecutiveFailuresEjectABackendUntilItsTimeIsUp() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            int alive = cluster.backend("alive");
            int dies = cluster.backend("dies");
            cluster.balancer("--backends", backendsOption(dies, alive), "--strategy", "round-robin",
                    "--health-interval-ms", "600000", "--eject-after", "3", "--eject-ms", "600000");
            cluster.kill(dies);
            for (int i = 0; i < 10; i++) {
                assertThat(cluster.get("/api/process_fifo").statusCode()).isEqualTo(200);
            }
            String stats = cluster.stats();
            assertThat(stats).contains("\"ejected\" : true").contains("\"ejections\" : 1");
        }
    }

    /**
     * A balancer that cannot listen (its port is taken) stops what it had started: its health
     * checks, which it sends before it listens, end with it.
     */
    @Test
    void aBalancerThatCannotListenStopsItsHealthChecks() throws Exception {
        try (TestCluster cluster = new TestCluster();
                ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            StubBackend backend = cluster.keep(new StubBackend("checked", 0));
            assertThatThrownBy(() -> cluster.balancer("--backends", backendsOption(backend.port()),
                    "--port", String.valueOf(taken.getLocalPort()))).hasRootCauseInstanceOf(BindException.class);
            long checksAtFailure = backend.checks();
            assertThat(checksAtFailure).as("the first check was sent before listening").isPositive();
            Thread.sleep(500); // ten health intervals: checks still running would have sent ten more
            // One may have been on the wire when the balancer stopped, and arrive after the count was read.
            assertThat(backend.checks()).isBetween(checksAtFailure, checksAtFailure + 1);
        }
    }

    static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
