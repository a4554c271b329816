package dev.loadlab.balancer.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loadlab.balancer.strategy.WeightedRoundRobin;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BackendRulesTest {

    /** A backend whose first health check has passed. */
    private static Backend backend(String url) {
        Backend backend = new Backend(BackendAddress.parse(url), null);
        backend.healthy(true);
        return backend;
    }

    @Test
    void parsesAddressesWithOptionalWeights() {
        assertThat(BackendAddress.parse("http://127.0.0.1:8081")).isEqualTo(
                new BackendAddress(java.net.URI.create("http://127.0.0.1:8081"), 1));
        assertThat(BackendAddress.parse("http://127.0.0.1:8081/=7").weight()).isEqualTo(7);
        assertThat(BackendAddress.parse("http://[::1]:8081").hostAndPort()).isEqualTo("[::1]:8081");
    }

    @Test
    void refusesAddressesItCannotForwardTo() {
        assertThatThrownBy(() -> BackendAddress.parse("http://127.0.0.1")).hasMessageContaining("explicit port");
        assertThatThrownBy(() -> BackendAddress.parse("https://127.0.0.1:8443")).hasMessageContaining("http://HOST:PORT");
        assertThatThrownBy(() -> BackendAddress.parse("http://127.0.0.1:8081/api")).hasMessageContaining("no path");
        assertThatThrownBy(() -> BackendAddress.parse("http://127.0.0.1:8081=x")).hasMessageContaining("from 1 to 1000");
        assertThatThrownBy(() -> BackendAddress.parse("not a url:")).hasMessageContaining("is not a URL");
    }

    @Test
    void smoothWeightedRoundRobinSpreadsTheHeavyBackendsTurns() {
        Backend a = backend("http://127.0.0.1:1=5");
        Backend b = backend("http://127.0.0.1:2");
        Backend c = backend("http://127.0.0.1:3");
        WeightedRoundRobin strategy = new WeightedRoundRobin();
        List<String> picks = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            Backend picked = strategy.pick(List.of(a, b, c));
            picks.add(picked == a ? "a" : picked == b ? "b" : "c");
        }
        assertThat(String.join(" ", picks)).isEqualTo("a a b a c a a");
    }

    @Test
    void ejectionsDoubleUpToTheLongest() {
        EjectionPolicy policy = new EjectionPolicy(3, 1_000, 5_000);
        assertThat(List.of(policy.durationMillis(1), policy.durationMillis(2), policy.durationMillis(3),
                policy.durationMillis(4), policy.durationMillis(40))).containsExactly(1_000L, 2_000L, 4_000L, 5_000L, 5_000L);
    }

    @Test
    void consecutiveFailuresEjectAndASuccessResetsTheCount() {
        Backend backend = backend("http://127.0.0.1:1");
        EjectionPolicy policy = new EjectionPolicy(3, 1_000, 5_000);
        long now = 1_000_000_000L;
        assertThat(backend.recordOutcome(true, policy, now)).isZero();
        assertThat(backend.recordOutcome(true, policy, now)).isZero();
        assertThat(backend.recordOutcome(false, policy, now)).isZero();
        assertThat(backend.recordOutcome(true, policy, now)).isZero();
        assertThat(backend.recordOutcome(true, policy, now)).isZero();
        assertThat(backend.recordOutcome(true, policy, now)).isEqualTo(1_000);
        assertThat(backend.available(now)).isFalse();
        assertThat(backend.available(now + TimeUnit.MILLISECONDS.toNanos(1_001))).isTrue();
    }

    @Test
    void peakEwmaJumpsToASlowAnswerAndDecaysBackOverTime() {
        Backend backend = backend("http://127.0.0.1:1");
        long now = 1_000_000_000L;
        backend.tryReserve(10);
        backend.finished(TimeUnit.MILLISECONDS.toNanos(10), false, now);
        backend.tryReserve(10);
        backend.finished(TimeUnit.MILLISECONDS.toNanos(200), false, now + 1);
        assertThat(backend.ewmaLatencyNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
        backend.tryReserve(10);
        backend.finished(TimeUnit.MILLISECONDS.toNanos(10), false, now + Backend.EWMA_DECAY_NANOS * 5);
        assertThat(backend.ewmaLatencyNanos()).isBetween(10e6, 12e6);
    }

    @Test
    void aReservationNeverExceedsTheLimit() {
        Backend backend = backend("http://127.0.0.1:1");
        assertThat(backend.tryReserve(2)).isTrue();
        assertThat(backend.tryReserve(2)).isTrue();
        assertThat(backend.tryReserve(2)).isFalse();
        assertThat(backend.inFlight()).isEqualTo(2);
    }
}
