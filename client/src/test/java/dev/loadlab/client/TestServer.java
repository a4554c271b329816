package dev.loadlab.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * An HTTP server with known behaviour, on 127.0.0.1 and an ephemeral port, for tests.
 * Each request gets the {@link Answer} its {@link Behaviour} chooses. Close it in a
 * try-with-resources block so it stops even when the test fails.
 *
 * <p>Run as a program ({@link #main}) it is a server in a process of its own, for a test that
 * needs more sockets than one process may hold on both ends.
 */
public final class TestServer implements AutoCloseable {
    private static final String STORE_PASSWORD = "loadlab-test";
    private static Path keyStore;

    private final HttpServer server;
    private final ExecutorService threads;
    private final boolean closeEachConnection;
    private final AtomicLong received = new AtomicLong();
    private final Set<InetSocketAddress> clientEnds = ConcurrentHashMap.newKeySet();
    /** When request 0 arrived, so that timed behaviours count from the run's first request. */
    private volatile long firstRequestNanos;

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

    /** Chooses the answer to the n-th request (from 0), {@code elapsedMillis} after request 0 arrived. */
    @FunctionalInterface
    public interface Behaviour {
        Answer answer(long n, long elapsedMillis);
    }

    private TestServer(HttpServer server, ExecutorService threads, Behaviour behaviour, boolean closeEachConnection) {
        this.server = server;
        this.threads = threads;
        this.closeEachConnection = closeEachConnection;
        server.setExecutor(threads);
        server.createContext("/", exchange -> handle(exchange, behaviour));
        server.start();
    }

    public static TestServer start(Behaviour behaviour) throws IOException {
        return start(behaviour, 64);
    }

    public static TestServer start(Behaviour behaviour, int threadCount) throws IOException {
        return new TestServer(HttpServer.create(loopback(), 1024), Executors.newFixedThreadPool(threadCount),
                behaviour, false);
    }

    /** Answers every request with {@code Connection: close} and closes the connection after it. */
    public static TestServer startClosingEachConnection(Behaviour behaviour) throws IOException {
        return new TestServer(HttpServer.create(loopback(), 1024), Executors.newFixedThreadPool(16), behaviour,
                true);
    }

    /** Each request on a virtual thread of its own: any number of slow answers at once. */
    public static TestServer startUnbounded(Behaviour behaviour) throws IOException {
        return new TestServer(HttpServer.create(loopback(), 4096), Executors.newVirtualThreadPerTaskExecutor(),
                behaviour, false);
    }

    /** HTTPS with a self-signed certificate for CN=localhost, made by the JDK's keytool. */
    public static TestServer startTls(Behaviour behaviour) throws IOException, GeneralSecurityException,
            InterruptedException {
        HttpsServer https = HttpsServer.create(loopback(), 1024);
        https.setHttpsConfigurator(new HttpsConfigurator(selfSignedContext()));
        return new TestServer(https, Executors.newFixedThreadPool(16), behaviour, false);
    }

    /**
     * A server in its own process: {@code TestServer DELAY_MS} answers every request after
     * DELAY_MS on a virtual thread, prints {@code port N} and runs until its standard input ends.
     */
    public static void main(String[] args) throws IOException {
        long delayMillis = Long.parseLong(args[0]);
        try (TestServer server = startUnbounded((n, elapsed) -> Answer.ok(delayMillis))) {
            PrintStream out = new PrintStream(System.out, true, StandardCharsets.US_ASCII);
            out.println("port " + server.url().getPort());
            System.in.transferTo(OutputStream.nullOutputStream());
            out.println("connections " + server.connections());
        }
    }

    public URI url() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort() + "/api/process_fifo");
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

    private static InetSocketAddress loopback() {
        return new InetSocketAddress("127.0.0.1", 0);
    }

    private void handle(HttpExchange exchange, Behaviour behaviour) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            body.readAllBytes();
            clientEnds.add(exchange.getRemoteAddress());
            long n = received.getAndIncrement();
            long now = System.nanoTime();
            if (n == 0) {
                firstRequestNanos = now;
            }
            Answer answer = behaviour.answer(n, n == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(now - firstRequestNanos));
            if (answer.delayMillis() > 0) {
                Thread.sleep(answer.delayMillis());
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            if (answer.backend() != null) {
                exchange.getResponseHeaders().add("X-Backend", answer.backend());
            }
            if (closeEachConnection) {
                exchange.getResponseHeaders().add("Connection", "close");
            }
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        }
    }

    private static synchronized SSLContext selfSignedContext() throws IOException, GeneralSecurityException,
            InterruptedException {
        if (keyStore == null) {
            Path directory = Files.createTempDirectory("loadlab-tls");
            directory.toFile().deleteOnExit();
            Path store = directory.resolve("test.p12");
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "test", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", store.toString(),
                    "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD)
                    .redirectErrorStream(true).start();
            String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
                throw new IOException("keytool failed: " + output);
            }
            store.toFile().deleteOnExit();
            keyStore = store;
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, STORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, STORE_PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);
        return context;
    }
}
