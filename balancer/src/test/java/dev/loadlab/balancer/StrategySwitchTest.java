package dev.loadlab.balancer;

import static dev.loadlab.balancer.TestCluster.backendsOption;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code POST /admin/strategy}: a fresh strategy in a running balancer, only while nothing is in flight. */
class StrategySwitchTest {

    private static HttpResponse<String> switchTo(TestCluster cluster, String query) {
        return cluster.post("/admin/strategy" + query, "");
    }

    private static String field(String json, String name) {
        Matcher value = Pattern.compile("\"" + name + "\" ?: ?\"?([^\",}]*)").matcher(json);
        assertThat(value.find()).as(name + " in " + json).isTrue();
        return value.group(1).trim();
    }

    @Test
    void eachSwitchStartsAFreshStrategyEvenOfTheSameName() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            int a = cluster.backend("a");
            int b = cluster.backend("b");
            int c = cluster.backend("c");
            cluster.balancer("--backends", backendsOption(a, b, c), "--strategy", "round-robin");
            cluster.get("/api/process_fifo");

            HttpResponse<String> switched = switchTo(cluster, "?name=round-robin");
            assertThat(switched.statusCode()).as(switched.body()).isEqualTo(200);
            assertThat(field(switched.body(), "strategy")).isEqualTo("round-robin");
            assertThat(field(switched.body(), "replaced")).isEqualTo("round-robin");

            // A fresh rotation: the first backend first again (the old one would give b next).
            Map<String, Integer> spread = new HashMap<>();
            StringBuilder order = new StringBuilder();
            for (int i = 0; i < 6; i++) {
                String backend = cluster.get("/api/process_fifo").headers().firstValue("X-Backend").orElseThrow();
                order.append(backend);
                spread.merge(backend, 1, Integer::sum);
            }
            assertThat(order.toString()).isEqualTo("abcabc");
            assertThat(spread).containsOnly(Map.entry("a", 2), Map.entry("b", 2), Map.entry("c", 2));
        }
    }

    @Test
    void theSwitchForgetsTheLatencyAveragesButKeepsTheCounters() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            int a = cluster.backend("a");
            cluster.balancer("--backends", backendsOption(a), "--strategy", "peak-ewma");
            cluster.get("/api/process_fifo?io_ms=20");
            assertThat(Double.parseDouble(field(cluster.stats(), "ewma_ms"))).isGreaterThanOrEqualTo(20);

            assertThat(switchTo(cluster, "?name=peak-ewma").statusCode()).isEqualTo(200);

            String stats = cluster.stats();
            assertThat(Double.parseDouble(field(stats, "ewma_ms"))).isZero();
            assertThat(field(stats, "served")).isEqualTo("1");
        }
    }

    @Test
    void aSwitchWhileARequestIsInFlightIsRefusedAsBusyAndChangesNothing() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            int a = cluster.backend("a");
            cluster.balancer("--backends", backendsOption(a), "--strategy", "round-robin");
            CompletableFuture<HttpResponse<String>> slow = cluster.getAsync("/api/process_fifo?io_ms=3000");
            TestCluster.await(() -> field(cluster.stats(), "in_flight").equals("1"), "the slow request is in flight");

            HttpResponse<String> refused = switchTo(cluster, "?name=least-connections");

            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(refused.body()).contains("\"error\":\"busy\"").contains("1 requests are in flight or queued");
            assertThat(field(cluster.stats(), "strategy")).isEqualTo("round-robin");
            assertThat(TestCluster.join(slow).statusCode()).isEqualTo(200);
            TestCluster.await(() -> field(cluster.stats(), "in_flight").equals("0"), "the slow request is done");
            assertThat(switchTo(cluster, "?name=least-connections").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void badSwitchesGetTheErrorThatNamesWhatIsWrong() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            int a = cluster.backend("a");
            cluster.balancer("--backends", backendsOption(a));

            HttpResponse<String> unknown = switchTo(cluster, "?name=fastest");
            assertThat(unknown.statusCode()).isEqualTo(400);
            assertThat(unknown.body()).contains("\"error\":\"bad_parameter\"")
                    .contains("name must be one of round-robin, random").contains("got 'fastest'");

            HttpResponse<String> missing = switchTo(cluster, "");
            assertThat(missing.statusCode()).isEqualTo(400);
            assertThat(missing.body()).contains("name must be given once");

            HttpResponse<String> extra = switchTo(cluster, "?name=random&now=1");
            assertThat(extra.statusCode()).isEqualTo(400);
            assertThat(extra.body()).contains("unknown parameter 'now'");

            HttpResponse<String> get = cluster.get("/admin/strategy?name=random");
            assertThat(get.statusCode()).isEqualTo(405);
            assertThat(get.headers().firstValue("Allow")).contains("POST");
            assertThat(field(cluster.stats(), "strategy")).isEqualTo("round-robin");
        }
    }

    @Test
    void theSwitchIsTheBalancersOwnAndNeverReachesABackend() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            StubBackend stub = cluster.keep(new StubBackend("stub", 0));
            cluster.balancer("--backends", "http://127.0.0.1:" + stub.port());
            HttpResponse<String> switched = cluster.post("/admin/strategy?name=random", "");
            assertThat(switched.statusCode()).isEqualTo(200);
            assertThat(switched.headers().firstValue("X-Backend")).isEmpty();
            assertThat(stub.served()).as("requests the stub served apart from health checks").isZero();
            assertThat(field(cluster.stats(), "strategy")).isEqualTo("random");
        }
    }
}
