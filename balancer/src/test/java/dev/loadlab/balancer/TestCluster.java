package dev.loadlab.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadlab.api.cli.ServerOptions;
import dev.loadlab.api.http.ApiServer;
import dev.loadlab.server.async.EventLoopModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;

/**
 * Backends (in-process async servers on loopback) and a balancer in front of them, for one test;
 * {@link #close()} stops everything it started, whatever the test did.
 */
final class TestCluster implements AutoCloseable {
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(30);

    private final List<ApiServer> backends = new ArrayList<>();
    private final List<AutoCloseable> others = new ArrayList<>();
    private BalancerServer balancer;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(ANSWER_WITHIN)
            .build();

    /** Starts a backend named {@code instance} with extra server options; returns its port. */
    int backend(String instance, String... options) {
        return backendOnPort(0, instance, options);
    }

    int backendOnPort(int port, String instance, String... options) {
        List<String> args = new ArrayList<>(List.of("--port", String.valueOf(port), "--instance", instance));
        args.addAll(List.of(options));
        if (!args.contains("--io-ms")) {
            args.addAll(List.of("--io-ms", "0"));
        }
        ServerOptions parsed = ServerOptions.parse(args.toArray(String[]::new));
        ApiServer server = ApiServer.start(parsed, new EventLoopModel(), 1);
        backends.add(server);
        return server.address().getPort();
    }

    /** Stops the backend listening on {@code port} at once, as a crash would. */
    void kill(int port) {
        for (ApiServer server : List.copyOf(backends)) {
            if (server.address().getPort() == port) {
                server.close();
                backends.remove(server);
            }
        }
    }

    /** Keeps something else the test started, to close with the cluster. */
    <T extends AutoCloseable> T keep(T closeable) {
        others.add(closeable);
        return closeable;
    }

    /**
     * Starts the balancer with the given options (its port and host are chosen here). Its health
     * checks may take 5 s each, so that a busy machine cannot make a live backend's first check fail.
     */
    BalancerServer balancer(String... options) {
        Balancer command = new Balancer();
        List<String> args = new ArrayList<>(List.of("--port", "0", "--health-interval-ms", "50", "--health-timeout-ms", "5000"));
        args.addAll(List.of(options));
        new CommandLine(command).setOverwrittenOptionsAllowed(true).parseArgs(args.toArray(String[]::new));
        balancer = BalancerServer.start(command.settings());
        return balancer;
    }

    static String backendsOption(int... ports) {
        StringBuilder out = new StringBuilder();
        for (int port : ports) {
            out.append(out.isEmpty() ? "" : ",").append("http://127.0.0.1:").append(port);
        }
        return out.toString();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + balancer.address().getPort() + pathAndQuery);
    }

    HttpResponse<String> get(String pathAndQuery) {
        return join(getAsync(pathAndQuery));
    }

    CompletableFuture<HttpResponse<String>> getAsync(String pathAndQuery) {
        return client.sendAsync(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(ANSWER_WITHIN).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String pathAndQuery, String body) {
        return join(client.sendAsync(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(ANSWER_WITHIN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
    }

    static <T> T join(CompletableFuture<T> future) {
        return future.orTimeout(ANSWER_WITHIN.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).join();
    }

    /** Sends raw bytes to the balancer on a fresh connection and returns what comes back. */
    String raw(String request) {
        try (Socket socket = new Socket("127.0.0.1", balancer.address().getPort())) {
            socket.setSoTimeout((int) ANSWER_WITHIN.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + ANSWER_WITHIN.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting until " + what).isLessThan(deadline);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    String stats() {
        return get("/stats").body();
    }

    @Override
    public void close() throws Exception {
        client.shutdownNow();
        if (balancer != null) {
            balancer.close();
        }
        for (ApiServer backend : backends) {
            backend.close();
        }
        for (AutoCloseable other : others) {
            other.close();
        }
    }
}
