package dev.loadlab.balancer.strategy;

import dev.loadlab.balancer.backend.Backend;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** The candidate with the fewest requests in flight; ties broken at random so none is favoured. */
public final class LeastConnections implements Strategy {
    @Override
    public Backend pick(List<Backend> candidates) {
        Backend best = null;
        int ties = 0;
        for (Backend candidate : candidates) {
            int inFlight = candidate.inFlight();
            if (best == null || inFlight < best.inFlight()) {
                best = candidate;
                ties = 1;
            } else if (inFlight == best.inFlight() && ThreadLocalRandom.current().nextInt(++ties) == 0) {
                best = candidate; // reservoir sampling over the tied candidates
            }
        }
        return best;
    }
}
