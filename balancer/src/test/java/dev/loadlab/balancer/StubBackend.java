package dev.loadlab.balancer;

import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A backend for the balancer's tests that says of itself what the test wants: {@code /health}
 * answers UP with its instance name; {@code /probe} answers its real requests in flight and a
 * latency the test sets (or a status the test sets instead); every other path is answered
 * {@code {"instance":...}} after a delay the test sets, without blocking its one I/O thread.
 *
 * <p>Threading: its I/O thread serves; the test sets the volatile knobs from its own thread.
 */
final class StubBackend implements AutoCloseable {
    private final String instance;
    private final Undertow undertow;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder probes = new LongAdder();
    private final LongAdder served = new LongAdder();
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

    long probes() {
        return probes.sum();
    }

    long served() {
        return served.sum();
    }

    private void handle(HttpServerExchange exchange) {
        switch (exchange.getRelativePath()) {
            case "/health" -> answer(exchange, 200, "{\"status\":\"UP\",\"instance\":\"" + instance + "\"}");
            case "/probe" -> {
                probes.increment();
                int status = probeStatus;
                answer(exchange, status, status != 200 ? "{\"error\":\"not_found\"}"
                        : "{\"in_flight\":" + inFlight.get() + ",\"latency_ms\":" + probeLatencyMillis + "}");
            }
            default -> {
                inFlight.incrementAndGet();
                exchange.addExchangeCompleteListener((ended, next) -> {
                    inFlight.decrementAndGet();
                    served.increment();
                    next.proceed();
                });
                exchange.dispatch(SameThreadExecutor.INSTANCE, () -> exchange.getIoThread().executeAfter(
                        () -> answer(exchange, 200, "{\"instance\":\"" + instance + "\"}"),
                        delayMillis, TimeUnit.MILLISECONDS));
            }
        }
    }

    private static void answer(HttpServerExchange exchange, int status, String body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send(body);
    }

    @Override
    public void close() {
        undertow.stop();
    }
}
