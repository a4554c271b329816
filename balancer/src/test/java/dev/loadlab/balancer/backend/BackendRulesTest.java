package dev.loadlab.balancer.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.loadlab.balancer.strategy.PeakEwma;
import dev.loadlab.balancer.strategy.WeightedRoundRobin;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BackendRulesTest {

    private static Backend backend(String url) {
        return TestBackends.healthy(url);
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
    void forgettingThePassiveStateEndsAnEjectionRestartsItsDoublingAndEmptiesTheLatencyAverage() {
        Backend backend = backend("http://127.0.0.1:1");
        EjectionPolicy policy = new EjectionPolicy(1, 1_000, 5_000);
        long now = 1_000_000_000L;
        answered(backend, 200, now);
        assertThat(backend.recordOutcome(true, policy, now)).isEqualTo(1_000);
        long later = now + TimeUnit.MILLISECONDS.toNanos(1_001);
        assertThat(backend.recordOutcome(true, policy, later)).as("the second ejection in a row").isEqualTo(2_000);

        backend.forgetPassiveState();

        assertThat(backend.available(later)).isTrue();
        assertThat(backend.latencySampled()).isFalse();
        assertThat(backend.ewmaLatencyNanos(later)).isZero();
        assertThat(backend.recordOutcome(true, policy, later)).as("the first ejection after forgetting").isEqualTo(1_000);
        assertThat(backend.ejections()).as("the counter for /stats goes on").isEqualTo(3);
        assertThat(backend.served()).isEqualTo(1);
    }

    /** One answer of {@code latencyMillis} from {@code backend}, ending at {@code nowNanos}. */
    private static void answered(Backend backend, long latencyMillis, long nowNanos) {
        backend.tryReserve(10);
        backend.finished(TimeUnit.MILLISECONDS.toNanos(latencyMillis), false, nowNanos);
    }

    @Test
    void peakEwmaJumpsToASlowAnswerAndDecaysBackOverTime() {
        Backend backend = backend("http://127.0.0.1:1");
        long now = 1_000_000_000L;
        answered(backend, 10, now);
        answered(backend, 200, now + 1);
        assertThat(backend.ewmaLatencyNanos(now + 1)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
        answered(backend, 10, now + Backend.EWMA_DECAY_NANOS * 5);
        assertThat(backend.ewmaLatencyNanos(now + Backend.EWMA_DECAY_NANOS * 5)).isBetween(10e6, 12e6);
    }

    @Test
    void peakEwmaDecaysOnReadWithNoNewAnswer() {
        Backend backend = backend("http://127.0.0.1:1");
        long now = 1_000_000_000L;
        answered(backend, 200, now);
        assertThat(backend.ewmaLatencyNanos(now)).isEqualTo(200e6);
        assertThat(backend.ewmaLatencyNanos(now + Backend.EWMA_DECAY_NANOS)).isCloseTo(200e6 / Math.E, within(1.0));
        assertThat(backend.ewmaLatencyNanos(now + Backend.EWMA_DECAY_NANOS)).as("reading changes nothing")
                .isCloseTo(200e6 / Math.E, within(1.0));
    }

    /**
     * A backend slow once and then left alone earns traffic back: its cost decays while the fast
     * one keeps answering in 10 ms, until it is the cheaper of the two.
     */
    @Test
    void peakEwmaGivesAnIdleOnceSlowBackendTrafficAgain() {
        Backend once = backend("http://127.0.0.1:1");
        Backend steady = backend("http://127.0.0.1:2");
        long start = 1_000_000_000L;
        long[] clock = {start};
        PeakEwma strategy = new PeakEwma(() -> clock[0]);
        answered(once, 200, start);
        answered(steady, 10, start);
        clock[0] = start + TimeUnit.MILLISECONDS.toNanos(1);
        assertThat(strategy.pick(List.of(once, steady))).isSameAs(steady);
        clock[0] = start + 4 * Backend.EWMA_DECAY_NANOS; // 200 ms decayed to 3.7 ms
        answered(steady, 10, clock[0]);
        assertThat(strategy.pick(List.of(once, steady))).isSameAs(once);
    }

    /**
     * The cold-start herd, prevented: an unmeasured backend is tried while it has nothing in
     * flight, and then costs more than any measured one until its first answer.
     */
    @Test
    void peakEwmaPenalisesABackendWithNoAnswerYetAndRequestsInFlight() {
        Backend unmeasured = backend("http://127.0.0.1:1");
        Backend measured = backend("http://127.0.0.1:2");
        long[] clock = {1_000_000_000L};
        PeakEwma strategy = new PeakEwma(() -> clock[0]);
        answered(measured, 50, clock[0]);
        measured.tryReserve(10);
        measured.tryReserve(10);
        assertThat(strategy.pick(List.of(unmeasured, measured))).as("tried while it has nothing in flight")
                .isSameAs(unmeasured);
        unmeasured.tryReserve(10);
        assertThat(strategy.pick(List.of(unmeasured, measured))).as("then penalised").isSameAs(measured);
        Backend alsoUnmeasured = backend("http://127.0.0.1:3");
        alsoUnmeasured.tryReserve(10);
        alsoUnmeasured.tryReserve(10);
        assertThat(strategy.pick(List.of(alsoUnmeasured, unmeasured))).as("among penalised ones, fewer in flight")
                .isSameAs(unmeasured);
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
