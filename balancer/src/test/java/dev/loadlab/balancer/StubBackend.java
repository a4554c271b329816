package dev.loadlab.balancer;

import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import java.net.InetSocketAddress;
import java.util.Deque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A backend for the balancer's tests that says of itself what the test wants: {@code /health}
 * answers UP with its instance name; {@code /probe} answers its real requests in flight and a
 * latency the test sets (or a status the test sets instead); every other path is answered
 * {@code {"instance":...,"id":...}} (the query's {@code id}, also kept in arrival order) after a
 * delay the test sets, without
 * blocking its one I/O thread, or, with {@code hold} in the query, only once the test calls
 * {@link #releaseHeld()}: a request held for exactly as long as the test needs.
 *
 * <p>Threading: its I/O thread serves; the test sets the volatile knobs from its own thread.
 * {@link #close()} may be called twice (a test stops a backend mid-run, then its cluster closes
 * it again): only the first releases what is held and stops the server, so nothing is ever handed
 * to an I/O thread that has ended. A request held after that first release dies with the server.
 */
final class StubBackend implements AutoCloseable {
    private final String instance;
    private final Undertow undertow;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder probes = new LongAdder();
    private final LongAdder checks = new LongAdder();
    private final LongAdder served = new LongAdder();
    private final Queue<HttpServerExchange> held = new ConcurrentLinkedQueue<>();
    /** The {@code id} of every work request, in the order they arrived here. */
    private final Queue<String> arrivals = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    volatile long delayMillis;
    volatile double probeLatencyMillis;
    volatile int probeStatus = 200;

    StubBackend(String instance, long delayMillis) {
        this.instance = instance;
        this.delayMillis = delayMillis;
        this.probeLatencyMillis = delayMillis;
        this.undertow = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setIoThreads(1)
                .setWorkerThreads(1)
                .setHandler(this::handle)
                .build();
        undertow.start();
    }

    int port() {
        return ((InetSocketAddress) undertow.getListenerInfo().getFirst().getAddress()).getPort();
    }

    long checks() {
        return checks.sum();
    }

    long probes() {
        return probes.sum();
    }

    long served() {
        return served.sum();
    }

    /** The ids of the work requests it has received, in order of arrival. */
    List<String> arrivals() {
        return List.copyOf(arrivals);
    }

    private void handle(HttpServerExchange exchange) {
        switch (exchange.getRelativePath()) {
            case "/health" -> {
                checks.increment();
                answer(exchange, 200, "{\"status\":\"UP\",\"instance\":\"" + instance + "\"}");
            }
            case "/probe" -> {
                probes.increment();
                int status = probeStatus;
                answer(exchange, status, status != 200 ? "{\"error\":\"not_found\"}"
                        : "{\"in_flight\":" + inFlight.get() + ",\"latency_ms\":" + probeLatencyMillis + "}");
            }
            default -> {
                Deque<String> id = exchange.getQueryParameters().get("id");
                arrivals.add(id == null ? "" : id.getFirst());
                inFlight.incrementAndGet();
                exchange.addExchangeCompleteListener((ended, next) -> {
                    inFlight.decrementAndGet();
                    served.increment();
                    next.proceed();
                });
                if (exchange.getQueryParameters().containsKey("hold")) {
                    exchange.dispatch(SameThreadExecutor.INSTANCE, () -> held.add(exchange));
                } else {
                    exchange.dispatch(SameThreadExecutor.INSTANCE, () -> exchange.getIoThread().executeAfter(
                            () -> answerWork(exchange), delayMillis, TimeUnit.MILLISECONDS));
                }
            }
        }
    }

    /** Answers every held request, on its I/O thread. */
    void releaseHeld() {
        for (HttpServerExchange exchange = held.poll(); exchange != null; exchange = held.poll()) {
            HttpServerExchange release = exchange;
            release.getIoThread().execute(() -> answerWork(release));
        }
    }

    private void answerWork(HttpServerExchange exchange) {
        Deque<String> id = exchange.getQueryParameters().get("id");
        answer(exchange, 200, "{\"instance\":\"" + instance + "\",\"id\":\"" + (id == null ? "" : id.getFirst()) + "\"}");
    }

    private static void answer(HttpServerExchange exchange, int status, String body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send(body);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            releaseHeld();
            undertow.stop();
            held.clear();
        }
    }
}
