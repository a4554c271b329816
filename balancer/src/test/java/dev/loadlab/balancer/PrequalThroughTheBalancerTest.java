package dev.loadlab.balancer;

import static dev.loadlab.balancer.TestCluster.backendsOption;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The prequal strategy through the real balancer, against stub backends that answer /probe. */
class PrequalThroughTheBalancerTest {

    /** Answers per X-Backend of {@code requests} requests from {@code clients} concurrent clients. */
    private static Map<String, Integer> spread(TestCluster cluster, int clients, int requests) {
        Map<String, Integer> counts = new TreeMap<>();
        AtomicInteger left = new AtomicInteger(requests);
        List<CompletableFuture<Void>> loops = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            loops.add(CompletableFuture.runAsync(() -> {
                while (left.getAndDecrement() > 0) {
                    HttpResponse<String> answer = cluster.get("/api/process_fifo");
                    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                    synchronized (counts) {
                        counts.merge(answer.headers().firstValue("X-Backend").orElse("none"), 1, Integer::sum);
                    }
                }
            }));
        }
        loops.forEach(TestCluster::join);
        return counts;
    }

    private static long figure(String stats, String name) {
        Matcher value = Pattern.compile("\"" + name + "\" : (\\d+)").matcher(stats);
        assertThat(value.find()).as("%s in %s", name, stats).isTrue();
        return Long.parseLong(value.group(1));
    }

    /**
     * Three backends, one twenty times slower that says so in its probes: round-robin would send
     * it a third of the requests; prequal sends it much less (34 and 43 of 600 in two runs here),
     * and /stats shows the probing.
     */
    @Test
    void aSlowBackendGetsLessTraffic() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            StubBackend slow = cluster.keep(new StubBackend("slow", 40));
            StubBackend fast1 = cluster.keep(new StubBackend("fast-1", 2));
            StubBackend fast2 = cluster.keep(new StubBackend("fast-2", 2));
            cluster.balancer("--backends", backendsOption(slow.port(), fast1.port(), fast2.port()),
                    "--strategy", "prequal");
            Map<String, Integer> spread = spread(cluster, 8, 600);
            assertThat(spread.getOrDefault("slow", 0)).as("sent to the slow backend: %s", spread)
                    .isLessThan(600 * 20 / 100);
            String stats = cluster.stats();
            assertThat(figure(stats, "probes_sent")).isPositive();
            assertThat(figure(stats, "probes_answered")).isPositive();
            assertThat(figure(stats, "picks_cold")).isPositive();
            assertThat(figure(stats, "probes_failed")).isZero();
            // Probes go out off the request path: the last picks' probes may still be in flight here.
            TestCluster.await(() -> slow.probes() + fast1.probes() + fast2.probes()
                    == figure(cluster.stats(), "probes_answered"), "every probe a backend saw is counted answered");
        }
    }

    /**
     * A backend whose probes fail (here it has no /probe, though its /health passes) is taken out
     * as a backend that fails its health checks is: DOWN after --fall failures in a row.
     */
    @Test
    void aBackendWhoseProbesFailIsTakenDown() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            StubBackend mute = cluster.keep(new StubBackend("mute", 0));
            mute.probeStatus = 404;
            StubBackend answers = cluster.keep(new StubBackend("answers", 0));
            // Health checks every 10 minutes: only the probes can take the mute backend down.
            cluster.balancer("--backends", backendsOption(mute.port(), answers.port()), "--strategy", "prequal",
                    "--health-interval-ms", "600000", "--fall", "2");
            TestCluster.await(() -> {
                cluster.get("/api/process_fifo");
                return cluster.stats().contains("\"healthy\" : false");
            }, "the mute backend's failed probes take it down");
            assertThat(figure(cluster.stats(), "probes_failed")).isGreaterThanOrEqualTo(2);
            long servedByMute = mute.served();
            assertThat(spread(cluster, 2, 40)).containsOnly(Map.entry("answers", 40));
            assertThat(mute.served()).isEqualTo(servedByMute);
        }
    }
}
