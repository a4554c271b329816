package dev.loadlab.balancer;

import static dev.loadlab.balancer.TestCluster.backendsOption;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The balancer's own queue: requests wait there when every backend is at its limit. */
class QueueTest {

    /** The balancer's queue counters, all from one /stats read. */
    private static Map<String, Long> queue(TestCluster cluster) {
        Matcher queue = Pattern.compile("\"queue\" : \\{([^}]*)}").matcher(cluster.stats());
        assertThat(queue.find()).isTrue();
        Map<String, Long> fields = new TreeMap<>();
        Matcher field = Pattern.compile("\"(\\w+)\" : (\\d+)").matcher(queue.group(1));
        while (field.find()) {
            fields.put(field.group(1), Long.parseLong(field.group(2)));
        }
        return fields;
    }

    private static long queueField(TestCluster cluster, String field) {
        return queue(cluster).get(field);
    }

    /** A stub backend that holds requests until told, behind a balancer that lets it have one at a time. */
    private static StubBackend oneAtATime(TestCluster cluster, String... options) {
        StubBackend backend = cluster.keep(new StubBackend("only", 0));
        List<String> args = new ArrayList<>(List.of("--backends", backendsOption(backend.port()), "--max-per-backend", "1"));
        args.addAll(List.of(options));
        cluster.balancer(args.toArray(String[]::new));
        return backend;
    }

    /**
     * One backend at its limit of one, held until every waiter is queued (so no margin of time is
     * involved); returns the order the waiters reached the backend, which is the order the queue
     * served them in (with one place at the backend, each goes on only once the last has answered).
     * Not the order the answers reach the test's client: those come over separate connections, and
     * two answers a few microseconds apart can be read in either order.
     */
    private static List<String> serveOrder(TestCluster cluster, StubBackend backend, List<String> ids) {
        CompletableFuture<HttpResponse<String>> blocker = cluster.getAsync("/api/process_fifo?hold&id=blocker");
        TestCluster.await(() -> queueField(cluster, "in_service") == 1, "the blocker is in flight");
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            answers.add(cluster.getAsync("/api/process_fifo?id=" + id));
            long queued = i + 1;
            TestCluster.await(() -> queueField(cluster, "queued") == queued, "waiter " + id + " is queued");
        }
        assertThat(queue(cluster)).as("every waiter queued behind the blocker")
                .containsEntry("in_service", 1L).containsEntry("queued", (long) ids.size());
        backend.releaseHeld();
        assertThat(TestCluster.join(blocker).statusCode()).isEqualTo(200);
        answers.forEach(answer -> assertThat(TestCluster.join(answer).statusCode()).isEqualTo(200));
        return backend.arrivals().stream().filter(id -> !id.equals("blocker")).toList();
    }

    @ParameterizedTest
    @CsvSource({"fifo, '1,2,3,4'", "lifo, '4,3,2,1'"})
    void waitersAreServedInTheQueuesDiscipline(String discipline, String expected) throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            StubBackend backend = oneAtATime(cluster, "--queue", discipline);
            assertThat(serveOrder(cluster, backend, List.of("1", "2", "3", "4"))).containsExactly(expected.split(","));
        }
    }

    @Test
    void aFullQueueAnswers503QueueFullWithRetryAfter() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            StubBackend backend = oneAtATime(cluster, "--queue-capacity", "1");
            CompletableFuture<HttpResponse<String>> blocker = cluster.getAsync("/api/process_fifo?hold");
            TestCluster.await(() -> queueField(cluster, "in_service") == 1, "the blocker is in flight");
            CompletableFuture<HttpResponse<String>> waiter = cluster.getAsync("/api/process_fifo");
            TestCluster.await(() -> queueField(cluster, "queued") == 1, "a waiter is queued");
            HttpResponse<String> refused = cluster.get("/api/process_fifo");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).contains("\"error\":\"queue_full\"");
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            backend.releaseHeld();
            assertThat(TestCluster.join(blocker).statusCode()).isEqualTo(200);
            assertThat(TestCluster.join(waiter).statusCode()).isEqualTo(200);
        }
    }

    /** The waiter is shed by the balancer's sweeper: its backend holds the blocker until the end. */
    @Test
    void aWaiterPastTheTimeoutIsAnswered503QueueTimeout() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            StubBackend backend = oneAtATime(cluster, "--queue-timeout-ms", "100");
            CompletableFuture<HttpResponse<String>> blocker = cluster.getAsync("/api/process_fifo?hold");
            TestCluster.await(() -> queueField(cluster, "in_service") == 1, "the blocker is in flight");
            HttpResponse<String> shed = cluster.get("/api/process_fifo");
            assertThat(shed.statusCode()).isEqualTo(503);
            assertThat(shed.body()).contains("\"error\":\"queue_timeout\"");
            assertThat(queueField(cluster, "shed")).isEqualTo(1);
            assertThat(blocker).as("nothing but the sweeper could have shed it").isNotDone();
            backend.releaseHeld();
            assertThat(TestCluster.join(blocker).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aClientThatDisconnectsWhileQueuedIsRemovedFromTheQueue() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            StubBackend backend = oneAtATime(cluster);
            CompletableFuture<HttpResponse<String>> blocker = cluster.getAsync("/api/process_fifo?hold");
            TestCluster.await(() -> queueField(cluster, "in_service") == 1, "the blocker is in flight");
            try (Socket impatient = new Socket("127.0.0.1", cluster.uri("/").getPort())) {
                OutputStream out = impatient.getOutputStream();
                out.write("GET /api/process_fifo HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                TestCluster.await(() -> queueField(cluster, "queued") == 1, "the impatient client is queued");
            }
            TestCluster.await(() -> queueField(cluster, "cancelled") == 1, "the waiter is removed");
            assertThat(queue(cluster)).containsEntry("queued", 0L).containsEntry("in_service", 1L);
            backend.releaseHeld();
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
