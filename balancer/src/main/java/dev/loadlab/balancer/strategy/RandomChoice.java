package dev.loadlab.balancer.strategy;

import dev.loadlab.balancer.backend.Backend;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** A uniformly random candidate: no shared state, no coordination. */
public final class RandomChoice implements Strategy {
    @Override
    public Backend pick(List<Backend> candidates) {
        return candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
    }
}
