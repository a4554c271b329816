package dev.loadlab.balancer.strategy;

import dev.loadlab.balancer.backend.Backend;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Each candidate in turn: with all backends available, N requests spread exactly evenly. */
public final class RoundRobin implements Strategy {
    private final AtomicLong turn = new AtomicLong();

    @Override
    public Backend pick(List<Backend> candidates) {
        return candidates.get((int) Math.floorMod(turn.getAndIncrement(), (long) candidates.size()));
    }
}
