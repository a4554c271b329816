package dev.loadlab.balancer;

import static dev.loadlab.balancer.TestCluster.backendsOption;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What the balancer forwards, where, and what it answers itself. */
class ForwardingTest {

    /**
     * A backend takes traffic only once its first health check has told its name, so even the
     * very first answers after the balancer starts carry the instance, never {@code host:port}.
     */
    @Test
    void everyAnswerRightAfterStartNamesItsBackendsInstance() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            int a = cluster.backend("a");
            int b = cluster.backend("b");
            cluster.balancer("--backends", backendsOption(a, b));
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                answers.add(cluster.getAsync("/api/process_fifo?io_ms=0"));
            }
            Map<String, Integer> named = new TreeMap<>();
            for (CompletableFuture<HttpResponse<String>> answer : answers) {
                HttpResponse<String> got = TestCluster.join(answer);
                assertThat(got.statusCode()).as(got.body()).isEqualTo(200);
                named.merge(got.headers().firstValue("X-Backend").orElse("none"), 1, Integer::sum);
            }
            assertThat(named.keySet()).as("X-Backend of the first 100 answers: %s", named).containsOnly("a", "b");
        }
    }

    @Test
    void aForeignHostHeaderOrAbsoluteUriStillGoesOnlyToAConfiguredBackend() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            int backend = cluster.backend("configured");
            cluster.balancer("--backends", backendsOption(backend));
            String viaHost = cluster.raw("GET /api/process_fifo?io_ms=0 HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
            assertThat(viaHost).startsWith("HTTP/1.1 200").contains("\"model\":\"async\"");
            String viaUri = cluster.raw("GET http://evil.example:80/api/process_lifo?io_ms=0 HTTP/1.1\r\n"
                    + "Host: evil.example\r\nConnection: close\r\n\r\n");
            assertThat(viaUri).startsWith("HTTP/1.1 200").contains("\"discipline\":\"lifo\"");
        }
    }

    /** A backend that answers with the request headers it received, one per line. */
    private static HttpServer echoHeaders() throws java.io.IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            StringBuilder body = new StringBuilder();
            exchange.getRequestHeaders().forEach((name, values) ->
                    body.append(name.toLowerCase()).append(": ").append(String.join(",", values)).append('\n'));
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Keep-Alive", "timeout=99");
            exchange.getResponseHeaders().add("Proxy-Connection", "keep-alive");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return server;
    }

    @Test
    void hopByHopHeadersAreRemovedBothWaysAndXForwardedForIsTheOnlyForwardingHeaderAdded() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            HttpServer echo = echoHeaders();
            cluster.keep(() -> echo.stop(0));
            cluster.balancer("--backends", backendsOption(echo.getAddress().getPort()), "--health-interval-ms", "600000");
            String answer = cluster.raw("GET /anything HTTP/1.1\r\nHost: x\r\nConnection: close, X-Hop\r\n"
                    + "X-Hop: secret\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\nX-Kept: yes\r\n\r\n");
            String[] parts = answer.split("\r\n\r\n", 2);
            String responseHeaders = parts[0].toLowerCase();
            String seenByBackend = parts[1];
            assertThat(seenByBackend).contains("x-kept: yes").contains("x-forwarded-for: 127.0.0.1")
                    .doesNotContain("x-hop").doesNotContain("keep-alive: timeout").doesNotContain("te: trailers")
                    .doesNotContain("x-forwarded-proto").doesNotContain("x-forwarded-host")
                    .doesNotContain("x-forwarded-port").doesNotContain("x-forwarded-server");
            assertThat(responseHeaders).doesNotContain("keep-alive: timeout=99").doesNotContain("proxy-connection");
        }
    }

    /**
     * Connection is a list header that may come as several lines (RFC 9110 7.6.1): every line's
     * names are hop-by-hop, and a close on any line closes the client's connection after the
     * answer (the raw read returns only because the balancer closes it).
     */
    @Test
    void everyConnectionHeaderLineCountsNotOnlyTheFirst() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            HttpServer echo = echoHeaders();
            cluster.keep(() -> echo.stop(0));
            cluster.balancer("--backends", backendsOption(echo.getAddress().getPort()), "--health-interval-ms", "600000");
            String answer = cluster.raw("GET /anything HTTP/1.1\r\nHost: x\r\nConnection: X-Hop\r\n"
                    + "Connection: X-Other, CLOSE\r\nX-Hop: a\r\nX-Other: b\r\nX-Kept: yes\r\n\r\n");
            String seenByBackend = answer.split("\r\n\r\n", 2)[1];
            assertThat(seenByBackend).contains("x-kept: yes").doesNotContain("x-hop").doesNotContain("x-other");
        }
    }

    @Test
    void ownStatusPagesDescribeTheBalancer() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            int a = cluster.backend("a");
            int b = cluster.backend("b");
            cluster.balancer("--backends", backendsOption(a, b), "--instance", "lb-1");
            cluster.get("/api/process_fifo");
            HttpResponse<String> health = cluster.get("/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\" : \"UP\"").contains("\"backends\" : 2");
            String stats = cluster.stats();
            assertThat(stats).contains("\"instance\" : \"lb-1\"").contains("\"strategy\" : \"round-robin\"")
                    .contains("\"served\" : 1");
            String metrics = cluster.get("/metrics").body();
            assertThat(metrics).contains("# TYPE loadlab_balancer_backend_in_flight gauge")
                    .contains("loadlab_balancer_queue_completed_total{balancer=\"lb-1\",lane=\"fifo\"} 1");
            HttpResponse<String> wrongMethod = cluster.post("/stats", "");
            assertThat(wrongMethod.statusCode()).isEqualTo(405);
            assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("GET");
        }
    }

    @Test
    void backendErrorsPassThroughUntouched() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            int backend = cluster.backend("a");
            cluster.balancer("--backends", backendsOption(backend));
            HttpResponse<String> answer = cluster.get("/api/process_fifo?io_ms=banana");
            assertThat(answer.statusCode()).isEqualTo(400);
            assertThat(answer.body()).contains("\"error\":\"bad_parameter\"");
            assertThat(answer.headers().firstValue("X-Backend")).isPresent();
        }
    }

    @Test
    void aDeclaredBodyOverTheLimitIsRefusedWith413() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            int backend = cluster.backend("a");
            cluster.balancer("--backends", backendsOption(backend));
            String answer = cluster.raw("POST /api/process_fifo HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000\r\n\r\n{");
            assertThat(answer).startsWith("HTTP/1.1 413").contains("\"error\":\"body_too_large\"");
        }
    }

    @Test
    void badCommandLinesExitTwoWithAPreciseMessage() {
        Map<List<String>, String> cases = Map.of(
                List.of("--backends", "ftp://127.0.0.1:1"), "must be http://HOST:PORT",
                List.of("--backends", "http://127.0.0.1:8081=0"), "the weight must be a whole number from 1 to 1000",
                List.of("--backends", "http://127.0.0.1:8081", "--strategy", "fastest"), "--strategy must be one of",
                List.of("--backends", "http://127.0.0.1:8081", "--queue", "stack"), "--queue must be one of",
                List.of("--backends", "http://127.0.0.1:8081,http://127.0.0.1:8081"), "twice",
                List.of("--backends", "http://127.0.0.1:8081", "--max-per-backend", "0"), "--max-per-backend must be from 1",
                List.of("--backends", "http://127.0.0.1:8081", "--prequal-hot-quantile", "1.5"),
                "--prequal-hot-quantile must be from 0 to 1, got 1.5",
                List.of("--backends", "http://127.0.0.1:8081", "--prequal-probes", "0"), "--prequal-probes must be from 1 to 16",
                List.of(), "Missing required option: '--backends");
        cases.forEach((args, message) -> {
            var errors = new java.io.StringWriter();
            CommandLine commandLine = new CommandLine(new Balancer()).setErr(new java.io.PrintWriter(errors));
            assertThat(commandLine.execute(args.toArray(String[]::new))).as(args.toString()).isEqualTo(2);
            assertThat(errors.toString()).as(args.toString()).contains(message).contains("Usage:");
        });
    }
}
