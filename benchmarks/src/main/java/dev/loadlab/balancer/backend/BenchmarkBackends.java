package dev.loadlab.balancer.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Backends for the balancer's JMH benchmarks, with no connection pool and no health checker: each
 * is healthy at once and has figures of its own, so that every strategy has something to compare.
 * It sits in the balancer's package (in the benchmarks' jar) because the setters a real health
 * check and a real answer use are the package's own, as for the balancer's tests.
 */
public final class BenchmarkBackends {
    private BenchmarkBackends() {
    }

    /**
     * {@code count} healthy backends on made-up loopback ports: backend {@code i} has weight
     * {@code 1 + i % 3}, {@code i % 5} requests in flight and one answer of {@code 1 + i % 7} ms.
     */
    public static List<Backend> healthy(int count) {
        long now = System.nanoTime();
        List<Backend> backends = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Backend backend = new Backend(BackendAddress.parse("http://127.0.0.1:" + (20_000 + i) + "=" + (1 + i % 3)), null);
            backend.healthy(true);
            backend.tryReserve(Integer.MAX_VALUE);
            backend.finished(TimeUnit.MILLISECONDS.toNanos(1 + i % 7), false, now); // frees the place it took
            for (int place = 0; place < i % 5; place++) {
                backend.tryReserve(Integer.MAX_VALUE);
            }
            backends.add(backend);
        }
        return List.copyOf(backends);
    }
}
