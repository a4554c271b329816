package dev.loadlab.balancer.strategy;

import dev.loadlab.balancer.backend.Backend;
import dev.loadlab.balancer.backend.ProbeSender;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * Prequal (Wydrowski et al., "Load is not what you should balance", NSDI 2024): picks by what the
 * backends say of themselves, not by what the balancer has sent them. Every pick sends
 * {@code probesPerRequest} asynchronous probes ({@code GET /probe}: requests in flight and recent
 * latency) to distinct random candidates, whose answers feed a small {@link ProbePool}; the pick
 * itself is the pool's hot-cold choice among the candidates, or a random candidate while the pool
 * holds no fresh probe of one (at start, and after a lull: probing follows traffic, no timer
 * keeps the pool warm).
 *
 * <p>Threading: picks run on the balancer's I/O threads; sending a probe never blocks; the pool
 * is locked only for its own pass.
 */
public final class Prequal implements Strategy {
    private final PrequalSettings settings;
    private final ProbePool pool;
    private final ProbeSender sender;
    private final LongSupplier nanoClock;
    private final ProbeSender.Answers answers;

    public Prequal(PrequalSettings settings, ProbeSender sender) {
        this(settings, sender, System::nanoTime);
    }

    /** With a clock of the caller's, so that tests can step time. */
    public Prequal(PrequalSettings settings, ProbeSender sender, LongSupplier nanoClock) {
        this.settings = settings;
        this.pool = new ProbePool(settings);
        this.sender = sender;
        this.nanoClock = nanoClock;
        this.answers = (backend, inFlight, latencyNanos) -> pool.add(backend, inFlight, latencyNanos,
                nanoClock.getAsLong());
    }

    @Override
    public Backend pick(List<Backend> candidates) {
        sendProbes(candidates);
        Backend chosen = pool.pick(candidates, nanoClock.getAsLong());
        return chosen != null ? chosen : candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
    }

    /** Probes distinct random candidates (a partial shuffle of their indices). */
    private void sendProbes(List<Backend> candidates) {
        int count = Math.min(settings.probesPerRequest(), candidates.size());
        if (count == 0) {
            return;
        }
        int[] order = new int[candidates.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < count; i++) {
            int j = i + random.nextInt(order.length - i);
            int chosen = order[j];
            order[j] = order[i];
            order[i] = chosen;
            sender.send(candidates.get(chosen), answers);
        }
    }

    @Override
    public Map<String, Long> stats() {
        Map<String, Long> figures = new LinkedHashMap<>(sender.stats());
        figures.putAll(pool.stats(nanoClock.getAsLong()));
        return figures;
    }
}
