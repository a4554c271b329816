package dev.loadlab.balancer.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadlab.balancer.backend.Backend;
import dev.loadlab.balancer.backend.ProbeSender;
import dev.loadlab.balancer.backend.TestBackends;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Prequal's probe pool and hot-cold rule, on a stepped clock with probes the test makes up. */
class PrequalTest {
    private static final long START = 1_000_000_000L;

    private final Backend a = TestBackends.healthy("http://127.0.0.1:1");
    private final Backend b = TestBackends.healthy("http://127.0.0.1:2");
    private final Backend c = TestBackends.healthy("http://127.0.0.1:3");
    private final Backend d = TestBackends.healthy("http://127.0.0.1:4");
    private final Backend e = TestBackends.healthy("http://127.0.0.1:5");

    private static ProbePool pool(int poolSize, int maxReuse) {
        return new ProbePool(new PrequalSettings(3, poolSize, maxReuse, 1_000, 0.84));
    }

    private static long millis(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** {@code times} answers of {@code backend} with the same figures, all at {@code START}. */
    private static void answer(ProbePool pool, Backend backend, int inFlight, long latencyMillis, int times) {
        for (int i = 0; i < times; i++) {
            pool.add(backend, inFlight, millis(latencyMillis), START);
        }
    }

    @Test
    void theColdProbeWithTheLowestLatencyWinsAndAHotOneIsPassedOverHoweverFast() {
        ProbePool pool = pool(16, 100);
        answer(pool, b, 1, 10, 5);
        answer(pool, a, 1, 20, 1);
        answer(pool, c, 9, 1, 1); // history [1 x6, 9]: the 0.84 quantile is 1, so 9 in flight is hot
        assertThat(pool.pick(List.of(a, b, c), START)).isSameAs(b);
        assertThat(pool.stats(START)).containsEntry("hot_threshold_in_flight", 1L).containsEntry("picks_cold", 1L);
    }

    @Test
    void whenEveryUsableProbeIsHotTheOneWithTheFewestInFlightWins() {
        ProbePool pool = pool(16, 100);
        answer(pool, d, 0, 1, 20); // a long quiet history; d is not a candidate
        answer(pool, a, 5, 1, 1);
        answer(pool, b, 3, 50, 1);
        assertThat(pool.pick(List.of(a, b), START)).isSameAs(b);
        assertThat(pool.stats(START)).containsEntry("picks_hot", 1L);
    }

    @Test
    void withNoFreshProbeOfACandidateThePoolHasNoPick() {
        ProbePool pool = pool(16, 100);
        assertThat(pool.pick(List.of(a, b), START)).as("empty pool").isNull();
        answer(pool, a, 0, 10, 1);
        assertThat(pool.pick(List.of(b), START)).as("no probe of a candidate").isNull();
        assertThat(pool.pick(List.of(a, b), START + millis(1_001))).as("older than 1 s").isNull();
        assertThat(pool.stats(START + millis(1_001))).containsEntry("picks_without_probe", 3L)
                .containsEntry("probes_retired_stale", 1L).containsEntry("pool_size", 0L);
    }

    @Test
    void aProbeServesAtMostMaxReusePicks() {
        ProbePool pool = pool(16, 2);
        answer(pool, a, 0, 10, 1);
        assertThat(pool.pick(List.of(a, b), START)).isSameAs(a);
        assertThat(pool.pick(List.of(a, b), START)).isSameAs(a);
        assertThat(pool.pick(List.of(a, b), START)).as("retired after two picks").isNull();
        assertThat(pool.stats(START)).containsEntry("probes_retired_reused", 1L);
    }

    /** A pick adds the request it routes to the probe's in flight, so a reused probe can turn hot. */
    @Test
    void eachPickCountsOneMoreRequestInFlightOnItsProbe() {
        ProbePool pool = pool(16, 100);
        answer(pool, d, 0, 1, 20); // the hot threshold is 0 in flight
        answer(pool, a, 0, 5, 1);
        answer(pool, b, 0, 50, 1);
        assertThat(pool.pick(List.of(a, b), START)).isSameAs(a);
        assertThat(pool.pick(List.of(a, b), START)).as("a's probe now says 1 in flight: hot").isSameAs(b);
    }

    @Test
    void aNewerAnswerReplacesTheBackendsOlderProbe() {
        ProbePool pool = pool(16, 100);
        pool.add(a, 0, millis(50), START);
        pool.add(b, 0, millis(10), START);
        pool.add(a, 0, millis(5), START + 1);
        assertThat(pool.stats(START + 1)).containsEntry("pool_size", 2L);
        assertThat(pool.pick(List.of(a, b), START + 1)).isSameAs(a);
    }

    @Test
    void aFullPoolEvictsItsOldestProbe() {
        ProbePool pool = pool(2, 100);
        pool.add(a, 0, millis(1), START);
        pool.add(b, 0, millis(10), START + 1);
        pool.add(c, 0, millis(20), START + 2);
        assertThat(pool.stats(START + 2)).containsEntry("pool_size", 2L);
        assertThat(pool.pick(List.of(a, b, c), START + 2)).as("a, the fastest, was the oldest").isSameAs(b);
    }

    @Test
    void tiesAmongColdProbesAreBrokenAtRandom() {
        ProbePool pool = pool(16, 1_000_000);
        answer(pool, a, 0, 10, 1);
        answer(pool, b, 0, 10, 1);
        answer(pool, d, 0, 10, 1000); // the threshold stays 0 in flight: every pick sees a and b cold...
        Map<Backend, Integer> picks = new java.util.IdentityHashMap<>();
        for (int i = 0; i < 200; i++) {
            pool.add(a, 0, millis(10), START); // ...and equal, since their answers are renewed
            pool.add(b, 0, millis(10), START);
            picks.merge(pool.pick(List.of(a, b), START), 1, Integer::sum);
        }
        assertThat(picks.get(a)).isBetween(40, 160); // binomial(200, 0.5): far outside 6 sigma
    }

    /** A fake sender: records each probe's target and keeps the answer callback. */
    private static final class RecordingSender implements ProbeSender {
        final List<Backend> targets = new ArrayList<>();
        Answers answers;

        @Override
        public void send(Backend target, Answers answers) {
            targets.add(target);
            this.answers = answers;
        }

        @Override
        public Map<String, Long> stats() {
            return Map.of("probes_sent", (long) targets.size());
        }
    }

    @Test
    void everyPickProbesDistinctRandomCandidates() {
        RecordingSender sender = new RecordingSender();
        Prequal prequal = new Prequal(new PrequalSettings(3, 16, 3, 1_000, 0.84), sender, () -> START);
        List<Backend> candidates = List.of(a, b, c, d, e);
        for (int pick = 0; pick < 50; pick++) {
            sender.targets.clear();
            prequal.pick(candidates);
            assertThat(sender.targets).hasSize(3).doesNotHaveDuplicates().isSubsetOf(candidates);
        }
        sender.targets.clear();
        prequal.pick(List.of(a, b));
        assertThat(new HashSet<>(sender.targets)).containsExactlyInAnyOrder(a, b);
    }

    @Test
    void answersFeedThePoolAndPicksFollowThem() {
        RecordingSender sender = new RecordingSender();
        long[] clock = {START};
        Prequal prequal = new Prequal(new PrequalSettings(2, 16, 3, 1_000, 0.84), sender, () -> clock[0]);
        assertThat(prequal.pick(List.of(a, b))).as("no probe yet: at random").isIn(a, b);
        sender.answers.answered(a, 0, millis(40));
        sender.answers.answered(b, 0, millis(4));
        assertThat(prequal.pick(List.of(a, b))).isSameAs(b);
        assertThat(prequal.stats()).containsEntry("probes_sent", 4L).containsEntry("probes_answered", 2L)
                .containsEntry("picks_cold", 1L).containsEntry("picks_without_probe", 1L);
        clock[0] = START + millis(1_001);
        assertThat(prequal.stats()).as("both probes aged out").containsEntry("pool_size", 0L);
    }
}
