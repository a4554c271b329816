package dev.loadlab.balancer;

import static dev.loadlab.balancer.TestCluster.backendsOption;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Where each strategy sends requests, over real HTTP through the balancer. Shares, never times. */
class StrategiesTest {

    /** Counts answers per X-Backend. */
    private static Map<String, Integer> spread(List<HttpResponse<String>> answers) {
        Map<String, Integer> counts = new ConcurrentHashMap<>();
        for (HttpResponse<String> answer : answers) {
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            counts.merge(answer.headers().firstValue("X-Backend").orElse("none"), 1, Integer::sum);
        }
        return counts;
    }

    private static List<HttpResponse<String>> sequential(TestCluster cluster, int requests) {
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            answers.add(cluster.get("/api/process_fifo"));
        }
        return answers;
    }

    /** Requests from {@code clients} concurrent clients, each sending its next when answered. */
    private static List<HttpResponse<String>> concurrent(TestCluster cluster, int clients, int requests) {
        List<HttpResponse<String>> answers = new ArrayList<>();
        AtomicInteger left = new AtomicInteger(requests);
        List<CompletableFuture<Void>> loops = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            loops.add(CompletableFuture.runAsync(() -> {
                while (left.getAndDecrement() > 0) {
                    HttpResponse<String> answer = cluster.get("/api/process_fifo");
                    synchronized (answers) {
                        answers.add(answer);
                    }
                }
            }));
        }
        loops.forEach(TestCluster::join);
        return answers;
    }

    @Test
    void roundRobinSpreadsRequestsExactlyEvenly() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            int a = cluster.backend("a");
            int b = cluster.backend("b");
            int c = cluster.backend("c");
            cluster.balancer("--backends", backendsOption(a, b, c), "--strategy", "round-robin");
            assertThat(spread(sequential(cluster, 300))).containsOnly(Map.entry("a", 100), Map.entry("b", 100),
                    Map.entry("c", 100));
        }
    }

    @Test
    void weightedRoundRobinFollowsTheWeights() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            int heavy = cluster.backend("heavy");
            int light = cluster.backend("light");
            cluster.balancer("--backends", "http://127.0.0.1:" + heavy + "=3,http://127.0.0.1:" + light + "=1",
                    "--strategy", "weighted-round-robin");
            assertThat(spread(sequential(cluster, 400))).containsOnly(Map.entry("heavy", 300), Map.entry("light", 100));
        }
    }

    @Test
    void randomReachesEveryBackend() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            int a = cluster.backend("a");
            int b = cluster.backend("b");
            cluster.balancer("--backends", backendsOption(a, b), "--strategy", "random");
            Map<String, Integer> spread = spread(sequential(cluster, 200));
            assertThat(spread.keySet()).containsExactlyInAnyOrder("a", "b");
            assertThat(spread.get("a")).isBetween(40, 160); // binomial(200, 0.5): far outside 6 sigma
        }
    }

    /**
     * One backend answers in 2 ms, the other in 60 ms. Round-robin would give each half the
     * requests; a load-aware strategy gives the slow one much less.
     */
    @ParameterizedTest
    @ValueSource(strings = {"least-connections", "power-of-two", "peak-ewma"})
    void loadAwareStrategiesMoveLoadAwayFromASlowBackend(String strategy) throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            int fast = cluster.backend("fast", "--io-ms", "2", "--workers", "1000");
            int slow = cluster.backend("slow", "--io-ms", "60", "--workers", "1000");
            cluster.balancer("--backends", backendsOption(fast, slow), "--strategy", strategy);
            Map<String, Integer> spread = spread(concurrent(cluster, 8, 400));
            assertThat(spread.getOrDefault("slow", 0)).as("%s sent to the slow backend: %s", strategy, spread)
                    .isLessThan(400 * 30 / 100);
        }
    }

    /**
     * The cold-start herd: right after start no backend has answered yet. A burst of 40 requests
     * must not all go to the first backend (a slow one here) until its first answer, 2 s later.
     * Peak-ewma penalises an unmeasured backend once it has a request in flight, so a burst that
     * arrives before any answer alternates between the two (20 each, measured); without the
     * penalty all 40 went to the slow backend.
     */
    @Test
    void peakEwmaSendsNoColdStartHerdToTheFirstBackend() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            int slow = cluster.backend("slow", "--io-ms", "2000", "--workers", "1000");
            int fast = cluster.backend("fast", "--io-ms", "0", "--workers", "1000");
            cluster.balancer("--backends", backendsOption(slow, fast), "--strategy", "peak-ewma");
            List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                burst.add(cluster.getAsync("/api/process_fifo"));
            }
            Map<String, Integer> spread = spread(burst.stream().map(TestCluster::join).toList());
            assertThat(spread.getOrDefault("slow", 0)).as("sent to the slow backend: %s", spread).isLessThan(30);
        }
    }
}
