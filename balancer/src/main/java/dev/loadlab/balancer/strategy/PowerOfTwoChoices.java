package dev.loadlab.balancer.strategy;

import dev.loadlab.balancer.backend.Backend;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The less loaded of two distinct random candidates (Mitzenmacher; Envoy's least-request): nearly
 * as good as least-connections, without every balancer thread herding onto the same backend.
 */
public final class PowerOfTwoChoices implements Strategy {
    @Override
    public Backend pick(List<Backend> candidates) {
        int size = candidates.size();
        if (size == 1) {
            return candidates.getFirst();
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int first = random.nextInt(size);
        int second = random.nextInt(size - 1);
        if (second >= first) {
            second++; // distinct from first
        }
        Backend a = candidates.get(first);
        Backend b = candidates.get(second);
        return b.inFlight() < a.inFlight() ? b : a;
    }
}
