package dev.loadlab.balancer;

import static dev.loadlab.balancer.TestCluster.backendsOption;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The balancer's own queue: requests wait there when every backend is at its limit. */
class QueueTest {

    private static long queueField(TestCluster cluster, String field) {
        String stats = cluster.stats();
        Matcher queue = Pattern.compile("\"queue\" : \\{([^}]*)}").matcher(stats);
        assertThat(queue.find()).isTrue();
        Matcher value = Pattern.compile("\"" + field + "\" : (\\d+)").matcher(queue.group(1));
        assertThat(value.find()).isTrue();
        return Long.parseLong(value.group(1));
    }

    /** One backend at its limit of one; waiters queued one by one; returns the order they are served in. */
    private static List<String> serveOrder(TestCluster cluster, List<String> ids) {
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        answers.add(cluster.getAsync("/api/process_fifo?io_ms=1500&id=blocker"));
        TestCluster.await(() -> queueField(cluster, "in_service") == 1, "the blocker is in flight");
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            answers.add(cluster.getAsync("/api/process_fifo?io_ms=20&id=" + id).thenApply(answer -> {
                Matcher m = Pattern.compile("\"id\":\"([^\"]*)\"").matcher(answer.body());
                order.add(m.find() ? m.group(1) : answer.body());
                return answer;
            }));
            long queued = i + 1;
            TestCluster.await(() -> queueField(cluster, "queued") == queued, "waiter " + id + " is queued");
        }
        answers.forEach(answer -> assertThat(TestCluster.join(answer).statusCode()).isEqualTo(200));
        return List.copyOf(order);
    }

    @ParameterizedTest
    @CsvSource({"fifo, '1,2,3,4'", "lifo, '4,3,2,1'"})
    void waitersAreServedInTheQueuesDiscipline(String discipline, String expected) throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            int backend = cluster.backend("only", "--workers", "100");
            cluster.balancer("--backends", backendsOption(backend), "--max-per-backend", "1", "--queue", discipline);
            assertThat(serveOrder(cluster, List.of("1", "2", "3", "4"))).containsExactly(expected.split(","));
        }
    }

    @Test
    void aFullQueueAnswers503QueueFullWithRetryAfter() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            int backend = cluster.backend("only", "--workers", "100");
            cluster.balancer("--backends", backendsOption(backend), "--max-per-backend", "1", "--queue-capacity", "1");
            CompletableFuture<HttpResponse<String>> blocker = cluster.getAsync("/api/process_fifo?io_ms=1000");
            TestCluster.await(() -> queueField(cluster, "in_service") == 1, "the blocker is in flight");
            CompletableFuture<HttpResponse<String>> waiter = cluster.getAsync("/api/process_fifo?io_ms=0");
            TestCluster.await(() -> queueField(cluster, "queued") == 1, "a waiter is queued");
            HttpResponse<String> refused = cluster.get("/api/process_fifo?io_ms=0");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).contains("\"error\":\"queue_full\"");
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(TestCluster.join(blocker).statusCode()).isEqualTo(200);
            assertThat(TestCluster.join(waiter).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aWaiterPastTheTimeoutIsAnswered503QueueTimeout() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            int backend = cluster.backend("only", "--workers", "100");
            cluster.balancer("--backends", backendsOption(backend), "--max-per-backend", "1", "--queue-timeout-ms", "100");
            CompletableFuture<HttpResponse<String>> blocker = cluster.getAsync("/api/process_fifo?io_ms=2000");
            TestCluster.await(() -> queueField(cluster, "in_service") == 1, "the blocker is in flight");
            HttpResponse<String> shed = cluster.get("/api/process_fifo?io_ms=0");
            assertThat(shed.statusCode()).isEqualTo(503);
            assertThat(shed.body()).contains("\"error\":\"queue_timeout\"");
            assertThat(queueField(cluster, "shed")).isEqualTo(1);
            assertThat(TestCluster.join(blocker).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aClientThatDisconnectsWhileQueuedIsRemovedFromTheQueue() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            int backend = cluster.backend("only", "--workers", "100");
            BalancerServer balancer = cluster.balancer("--backends", backendsOption(backend), "--max-per-backend", "1");
            CompletableFuture<HttpResponse<String>> blocker = cluster.getAsync("/api/process_fifo?io_ms=3000");
            TestCluster.await(() -> queueField(cluster, "in_service") == 1, "the blocker is in flight");
            try (Socket impatient = new Socket("127.0.0.1", balancer.address().getPort())) {
                OutputStream out = impatient.getOutputStream();
                out.write("GET /api/process_fifo?io_ms=0 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                TestCluster.await(() -> queueField(cluster, "queued") == 1, "the impatient client is queued");
            }
            TestCluster.await(() -> queueField(cluster, "cancelled") == 1, "the waiter is removed");
            assertThat(queueField(cluster, "queued")).isZero();
            assertThat(TestCluster.join(blocker).statusCode()).isEqualTo(200);
            TestCluster.await(() -> queueField(cluster, "in_service") == 0, "the lane is idle");
        }
    }

    /**
     * Every backend at its limit, a request waiting: when another backend comes up, the capacity
     * rise hands the waiter a worker at once, long before the request in flight ends.
     */
    @Test
    void aBackendComingUpStartsAWaiterAtOnce() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            int first = cluster.backend("first", "--workers", "100");
            int second = HealthAndFaultsTest.freePort();
            cluster.balancer("--backends", backendsOption(first, second), "--max-per-backend", "1",
                    "--fall", "1", "--rise", "1");
            TestCluster.await(() -> cluster.stats().contains("\"healthy\" : false"), "the second backend is down");
            CompletableFuture<HttpResponse<String>> blocker = cluster.getAsync("/api/process_fifo?io_ms=20000");
            TestCluster.await(() -> queueField(cluster, "in_service") == 1, "the blocker is in flight");
            CompletableFuture<HttpResponse<String>> waiter = cluster.getAsync("/api/process_fifo?io_ms=0");
            TestCluster.await(() -> queueField(cluster, "queued") == 1, "the waiter is queued");
            cluster.backendOnPort(second, "second", "--workers", "100");
            HttpResponse<String> answer = TestCluster.join(waiter);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue("X-Backend")).as("started by the rise, not by the blocker's end")
                    .hasValue("second");
            assertThat(blocker).isNotDone();
        }
    }
}
