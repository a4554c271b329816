package dev.loadlab.balancer.backend;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class HealthCheckerTest {

    /**
     * The stub backend passes its first two checks and fails every later one, so its health flips
     * at least once; every flip makes the capacity listener throw. The checks go on regardless,
     * and the failure is logged once as a warning, not once per check.
     */
    @Test
    void anExceptionWhileHandlingACheckNeitherStopsTheChecksNorLogsOnEveryCheck() throws Exception {
        AtomicInteger checks = new AtomicInteger();
        HttpServer stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        stub.createContext("/health", exchange -> {
            boolean up = checks.incrementAndGet() <= 2;
            byte[] body = (up ? "{\"status\":\"UP\",\"instance\":\"stub\"}" : "{\"status\":\"DRAINING\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(up ? 200 : 503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        stub.start();
        Logger log = Logger.getLogger(HealthChecker.class.getName());
        List<LogRecord> warnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(capture);
        List<BackendAddress> address = List.of(BackendAddress.parse("http://127.0.0.1:" + stub.getAddress().getPort()));
        try (Backends backends = new Backends(address, 10, new EjectionPolicy(5, 1_000, 30_000), 1, 1);
                HealthChecker checker = new HealthChecker(backends, 10, 5_000)) {
            backends.onCapacityChange(() -> {
                throw new IllegalStateException("the capacity listener failed");
            });
            checker.start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (checks.get() < 8) {
                assertThat(System.nanoTime()).as("checks go on after the listener threw; checks so far: %s", checks)
                        .isLessThan(deadline);
                Thread.sleep(10);
            }
            assertThat(backends.all().getFirst().healthy()).isFalse();
            assertThat(warnings).hasSize(1);
            assertThat(warnings.getFirst().getThrown()).hasMessage("the capacity listener failed");
        } finally {
            log.removeHandler(capture);
            stub.stop(0);
        }
    }
}
