package dev.loadlab.server.async;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadlab.api.cli.ServerOptions;
import dev.loadlab.api.http.ApiServer;
import dev.loadlab.api.lane.Discipline;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class EventLoopNeverBlocksTest {
    private static final int REQUESTS = 300;
    private static final long IO_MILLIS = 500;

    /**
     * With one event loop, 300 concurrent requests of 500 ms simulated I/O are answered together:
     * one after another they would take 150 s. The bound is generous (a tenth of that), so a busy
     * machine cannot fail it, while a loop that blocked even once per request could not pass.
     */
    @Test
    void oneEventLoopWaitsForManyRequestsAtOnce() throws InterruptedException {
        ServerOptions options = ServerOptions.parse("--port", "0", "--workers", "1000");
        try (ApiServer server = ApiServer.start(options, new EventLoopModel(), 1);
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + "/api/process_fifo?io_ms=" + IO_MILLIS);
            long started = System.nanoTime();
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                answers.add(client.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            answers.forEach(answer -> assertThat(answer.join().statusCode()).isEqualTo(200));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(took).isLessThan(Duration.ofMillis(REQUESTS * IO_MILLIS / 10));
            // The lane counts a request completed once its answer is written, which the client can
            // have read a moment before: wait for the count, within a bound no healthy run nears.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (server.lanes().lane(Discipline.FIFO).stats().completed() < REQUESTS && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(server.lanes().lane(Discipline.FIFO).stats().completed()).isEqualTo(REQUESTS);
        }
    }
}
