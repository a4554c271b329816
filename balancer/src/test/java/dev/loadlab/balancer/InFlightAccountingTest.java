package dev.loadlab.balancer;

import static dev.loadlab.balancer.TestCluster.backendsOption;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The balancer's in-flight accounting under every way a request can end: the sum of the
 * backends' requests in flight never exceeds the lane's requests in service (a backend place is
 * only ever held with a worker), and once the load is over both are zero (no place and no worker
 * leaks), whatever the requests met.
 */
class InFlightAccountingTest {

    /** One /stats read: the lane's figures (read first) and the backends' in flight (read after). */
    private record Sample(long inService, long queued, long received, long completed, long backendsInFlight) {
        static Sample of(String stats) {
            String queue = queueOf(stats);
            String backends = stats.substring(stats.indexOf("\"backends\""));
            long inFlight = 0;
            Matcher each = Pattern.compile("\"in_flight\" : (\\d+)").matcher(backends);
            while (each.find()) {
                inFlight += Long.parseLong(each.group(1));
            }
            return new Sample(field(queue, "in_service"), field(queue, "queued"), field(queue, "received"),
                    field(queue, "completed"), inFlight);
        }

        private static long field(String text, String name) {
            Matcher value = Pattern.compile("\"" + name + "\" : (\\d+)").matcher(text);
            assertThat(value.find()).as(name).isTrue();
            return Long.parseLong(value.group(1));
        }
    }

    /** Sends a request on a fresh connection and leaves after {@code millis}, answered or not. */
    private static void leaveAfter(TestCluster cluster, String pathAndQuery, long millis) {
        try (Socket socket = new Socket("127.0.0.1", cluster.uri("/").getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(millis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Makes one client leave while queued, the one way out of the queue the mix below cannot be
     * sure to produce (its leavers may find the queue full, or be in flight, when they leave):
     * three held requests take every worker, a fourth queues, and its client leaves. The held ones
     * end at the 300 ms time limit and the waiter at the 150 ms queue timeout, so a try can miss
     * on a busy machine; it is tried again, at most five times.
     */
    private static void leaveWhileQueued(TestCluster cluster) throws IOException {
        for (int attempt = 0; attempt < 5; attempt++) {
            long cancelledBefore = Sample.field(queueOf(cluster.stats()), "cancelled");
            List<CompletableFuture<?>> held = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                held.add(cluster.getAsync("/api/process_fifo?hold"));
            }
            awaitOrEnd(cluster, "\"in_service\" : 3,", held);
            try (Socket leaver = new Socket("127.0.0.1", cluster.uri("/").getPort())) {
                OutputStream out = leaver.getOutputStream();
                out.write("GET /api/process_fifo HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                awaitOrEnd(cluster, "\"queued\" : 1,", held);
            }
            held.forEach(TestCluster::join);
            TestCluster.await(() -> {
                String queue = queueOf(cluster.stats());
                return Sample.field(queue, "in_service") == 0 && Sample.field(queue, "queued") == 0;
            }, "the lane is idle again");
            if (Sample.field(queueOf(cluster.stats()), "cancelled") > cancelledBefore) {
                return;
            }
        }
        throw new AssertionError("no client could be made to leave while queued in 5 tries");
    }

    /** Waits until the lane's figures contain {@code text}, or every held request has ended. */
    private static void awaitOrEnd(TestCluster cluster, String text, List<CompletableFuture<?>> held) {
        TestCluster.await(() -> queueOf(cluster.stats()).contains(text) || held.stream().allMatch(CompletableFuture::isDone),
                "the lane shows " + text + " or the held requests ended");
    }

    private static String queueOf(String stats) {
        return stats.substring(stats.indexOf("\"queue\""), stats.indexOf("\"backends\""));
    }

    /**
     * Held requests past the time limit, clients that leave while queued or in flight, a full
     * queue, queue timeouts, and (in the second half) refused attempts retried elsewhere, after one
     * client made to leave while queued ({@link #leaveWhileQueued}). The capacity stays constant
     * (health checks every 10 minutes, no ejection), so the lane grants a worker only at an
     * admission or a release; between the lane's figures of one /stats read and those of the next,
     * at most (received + completed) more workers were taken, which bounds the backend places
     * counted in between although the reads are not one atomic step.
     */
    @Test
    void backendPlacesAreHeldOnlyWithAWorkerAndNoneLeak() throws Exception {
        try (TestCluster cluster = new TestCluster()) {
            StubBackend steady = cluster.keep(new StubBackend("steady", 5));
            StubBackend holds = cluster.keep(new StubBackend("holds", 5));
            StubBackend dies = cluster.keep(new StubBackend("dies", 5));
            cluster.balancer("--backends", backendsOption(steady.port(), holds.port(), dies.port()),
                    "--strategy", "round-robin", "--max-per-backend", "1", "--queue-capacity", "6",
                    "--queue-timeout-ms", "150", "--max-request-ms", "300", "--retries", "2",
                    "--health-interval-ms", "600000", "--eject-after", "1000");

            AtomicBoolean running = new AtomicBoolean(true);
            List<String> violations = new CopyOnWriteArrayList<>();
            AtomicInteger samples = new AtomicInteger();
            CompletableFuture<Void> sampler = CompletableFuture.runAsync(() -> {
                Sample before = Sample.of(cluster.stats());
                while (running.get()) {
                    Sample after = Sample.of(cluster.stats());
                    // before's backends were read between before's lane figures and after's
                    long bound = before.inService() + (after.received() - before.received())
                            + (after.completed() - before.completed());
                    if (before.backendsInFlight() > bound) {
                        violations.add(before + " then " + after);
                    }
                    samples.incrementAndGet();
                    before = after;
                }
            });
            leaveWhileQueued(cluster);
            AtomicInteger sent = new AtomicInteger();
            Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
            List<CompletableFuture<Void>> clients = new ArrayList<>();
            for (int c = 0; c < 12; c++) {
                int client = c;
                clients.add(CompletableFuture.runAsync(() -> {
                    for (int n = sent.getAndIncrement(); n < 300; n = sent.getAndIncrement()) {
                        if (n == 150) {
                            // Halfway: it dies, "healthy" still (no check for 10 minutes), so every
                            // later attempt on it is refused and retried on another backend.
                            dies.close();
                        }
                        switch ((n + client) % 5) {
                            case 0 -> statuses.merge(cluster.get("/api/process_fifo?hold").statusCode(), 1,
                                    Integer::sum); // held: 504 at the time limit, unless shed or refused first
                            case 1 -> leaveAfter(cluster, "/api/process_fifo?hold", 20); // leaves in flight or queued
                            default -> statuses.merge(cluster.get("/api/process_fifo").statusCode(), 1,
                                    Integer::sum); // answered, retried, shed or refused
                        }
                    }
                }));
            }
            clients.forEach(TestCluster::join);
            running.set(false);
            TestCluster.join(sampler);
            holds.releaseHeld();
            steady.releaseHeld();
            TestCluster.await(() -> {
                Sample quiet = Sample.of(cluster.stats());
                return quiet.inService() == 0 && quiet.queued() == 0 && quiet.backendsInFlight() == 0;
            }, "no worker and no backend place is still taken once every request has ended");
            assertThat(samples.get()).as("samples taken during the load").isGreaterThan(10);
            assertThat(violations).as("backend places beyond the workers taken").isEmpty();
            String stats = cluster.stats();
            assertThat(statuses).as("answered, refused or shed, and past the time limit").containsKeys(200, 503, 504);
            String queue = queueOf(stats);
            assertThat(queue).as("shed, refused and left while queued: every way out of the queue was met")
                    .doesNotContain("\"shed\" : 0,").doesNotContain("\"rejected\" : 0,")
                    .doesNotContain("\"cancelled\" : 0,");
            assertThat(stats).as("attempts on the dead backend were refused and retried")
                    .containsPattern("\"instance\" : \"dies\",[^}]*\"errors\" : [1-9]");
        }
    }
}
