package dev.loadlab.server.virtualthreads;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadlab.api.cli.ServerOptions;
import dev.loadlab.api.http.ApiServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;

class NoPinningTest {
    /**
     * A load run in which requests park waiting for permits, sleep for their I/O and compute,
     * records no {@code jdk.VirtualThreadPinned} event: no virtual thread blocks its carrier.
     *
     * <p>The run is warmed up first: while a class is loaded for the first time, a virtual thread
     * that waits for the class loader's lock is pinned (the loader has native frames on the
     * stack). That happens once per class at start-up, never in the measured steady state.
     *
     * <p>What it can catch depends on the JDK. On the JDK 25 the build runs, a virtual thread that
     * parks while holding a monitor no longer pins (JEP 491, JDK 24), so this test guards the
     * pinning that remains there: native frames and class initializers on the stack. On JDK 21 to
     * 23, which the project also supports at run time, a {@code synchronized} block entered while
     * blocking would pin; the model avoids them by rule (its class javadoc), and this test, run on
     * such a JDK, would catch one.
     *
     * <p>A control proves the recording would see pinning: a virtual thread that sleeps inside a
     * class initializer is pinned, and that one event must be recorded.
     */
    @Test
    void aLoadRunPinsNoCarrierThread() throws InterruptedException {
        ServerOptions options = ServerOptions.parse("--port", "0", "--workers", "8");
        ConcurrentLinkedQueue<String> pinned = new ConcurrentLinkedQueue<>();
        try (ApiServer server = ApiServer.start(options, new VirtualThreadModel(), 2);
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            String base = "http://127.0.0.1:" + server.address().getPort();
            load(client, base, 200);
            try (RecordingStream jfr = new RecordingStream()) {
                jfr.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
                jfr.onEvent("jdk.VirtualThreadPinned", event -> pinned.add(event.toString()));
                jfr.startAsync();
                load(client, base, 400);
                Thread.ofVirtual().start(PinsInItsInitializer::touch).join();
                jfr.stop(); // delivers every event recorded so far to the handlers
            }
        }
        assertThat(pinned).as("the control's pinning is recorded").anyMatch(e -> e.contains("PinsInItsInitializer"));
        assertThat(pinned.stream().filter(e -> !e.contains("PinsInItsInitializer"))).as("pinned by the server").isEmpty();
    }

    /** Sleeps in its class initializer: a virtual thread cannot unmount there, so it is pinned. */
    private static final class PinsInItsInitializer {
        static {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        static void touch() {
            // loading the class runs its initializer
        }
    }

    /** Requests that queue for permits, sleep and compute, on two lanes; all must succeed. */
    private static void load(HttpClient client, String base, int requests) {
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            String path = i % 2 == 0 ? "/api/process_fifo" : "/api/process/adaptive-lifo";
            answers.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base + path + "?io_ms=5&cpu_ms=" + (i % 3)))
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        answers.forEach(answer -> assertThat(answer.join().statusCode()).isEqualTo(200));
    }
}
