package dev.loadlab.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An HTTP server with known behaviour, on 127.0.0.1 and an ephemeral port, for tests.
 * Each request gets the {@link Answer} its {@link Behaviour} chooses. Close it in a
 * try-with-resources block so it stops even when the test fails.
 */
public final class TestServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads;
    private final AtomicLong received = new AtomicLong();
    private final Set<InetSocketAddress> clientEnds = ConcurrentHashMap.newKeySet();
    private final long startNanos = System.nanoTime();

    /** What to answer and after how long. */
    public record Answer(int status, String body, long delayMillis, String backend) {
        public static Answer ok(long delayMillis) {
            return new Answer(200, "{\"id\":null,\"model\":\"test\",\"instance\":\"t-1\",\"discipline\":\"fifo\","
                    + "\"queued_ms\":0.25,\"service_ms\":" + delayMillis + ".5,\"queue_depth\":0}", delayMillis, null);
        }

        public static Answer queueFull() {
            return new Answer(503, "{\"error\":\"queue_full\",\"message\":\"the lane's queue is full\"}", 0, null);
        }
    }

    /** Chooses the answer to the n-th request (from 0), {@code elapsedMillis} after the server started. */
    @FunctionalInterface
    public interface Behaviour {
        Answer answer(long n, long elapsedMillis);
    }

    private TestServer(Behaviour behaviour, int threadCount) throws IOException {
        this.threads = Executors.newFixedThreadPool(threadCount);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        server.setExecutor(threads);
        server.createContext("/", exchange -> handle(exchange, behaviour));
        server.start();
    }

    public static TestServer start(Behaviour behaviour) throws IOException {
        return new TestServer(behaviour, 64);
    }

    public static TestServer start(Behaviour behaviour, int threadCount) throws IOException {
        return new TestServer(behaviour, threadCount);
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/process_fifo");
    }

    public long received() {
        return received.get();
    }

    /** Connections that carried at least one request: distinct client address and port pairs. */
    public int connections() {
        return clientEnds.size();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    private void handle(HttpExchange exchange, Behaviour behaviour) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            body.readAllBytes();
            clientEnds.add(exchange.getRemoteAddress());
            long n = received.getAndIncrement();
            Answer answer = behaviour.answer(n, (System.nanoTime() - startNanos) / 1_000_000);
            if (answer.delayMillis() > 0) {
                Thread.sleep(answer.delayMillis());
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            if (answer.backend() != null) {
                exchange.getResponseHeaders().add("X-Backend", answer.backend());
            }
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        }
    }
}
