package dev.loadlab.balancer.strategy;

import dev.loadlab.balancer.backend.Backend;
import java.util.List;

/**
 * Latency-aware, as Finagle and Linkerd balance: the candidate with the lowest expected cost,
 * its peak-sensitive moving average of latency times (requests in flight + 1). The average jumps
 * up to a slower answer at once and decays back over time (see {@link Backend#ewmaLatencyNanos()}),
 * so a backend that turns slow loses traffic immediately and earns it back gradually. Ties go to
 * the earlier candidate; a backend with no latency yet counts as the fastest, so it is probed.
 */
public final class PeakEwma implements Strategy {
    @Override
    public Backend pick(List<Backend> candidates) {
        Backend best = null;
        double bestCost = Double.MAX_VALUE;
        for (Backend candidate : candidates) {
            double cost = candidate.ewmaLatencyNanos() * (candidate.inFlight() + 1.0);
            if (cost < bestCost) {
                best = candidate;
                bestCost = cost;
            }
        }
        return best;
    }
}
