package dev.loadlab.balancer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class UndertowProxyLogTest {

    private static boolean kept(String message) {
        return UndertowProxyLog.WITHOUT_PER_REQUEST_FAILURES.isLoggable(new LogRecord(Level.SEVERE, message));
    }

    @Test
    void dropsOnlyThePerRequestFailuresTheBalancerCountsItself() {
        assertThat(kept("UT005028: Proxy request to /api/process_fifo failed")).isFalse();
        assertThat(kept("UT005031: Proxy request to /api/process_fifo could not connect to backend server"
                + " http://127.0.0.1:8081")).isFalse();
        assertThat(kept("UT005027: Timing out request to /api/process_fifo")).isTrue();
        assertThat(kept("UT005081: Response has already been started, cannot proxy request /x")).isTrue();
        assertThat(kept("something else went wrong")).isTrue();
    }
}
