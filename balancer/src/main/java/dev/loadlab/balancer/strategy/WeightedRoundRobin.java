package dev.loadlab.balancer.strategy;

import dev.loadlab.balancer.backend.Backend;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Smooth weighted round-robin, as NGINX does it: every pick, each candidate's current weight grows
 * by its weight; the largest wins and drops by the total. Weights 5:1:1 give a a b a c a a, not
 * a a a a a b c: the heavy backend's turns are spread out.
 *
 * <p>Threading: picks are serialised by the instance's monitor; a pick is a few additions per
 * backend. One lock for every request is fine here: the balancer has as many I/O threads as cores
 * (2 on the machines it is measured on), the critical section is a few map updates for a handful
 * of backends and never blocks, so the lock is rarely contended and never held long; the smooth
 * order needs the weights updated as one step. (On virtual threads a monitor could pin a carrier
 * on JDK 21-23; picks run on Undertow's platform I/O threads only.)
 */
public final class WeightedRoundRobin implements Strategy {
    private final Map<Backend, Long> currentWeights = new IdentityHashMap<>();

    @Override
    public synchronized Backend pick(List<Backend> candidates) {
        long total = 0;
        Backend best = null;
        long bestWeight = Long.MIN_VALUE;
        for (Backend candidate : candidates) {
            long current = currentWeights.getOrDefault(candidate, 0L) + candidate.weight();
            currentWeights.put(candidate, current);
            total += candidate.weight();
            if (current > bestWeight) {
                best = candidate;
                bestWeight = current;
            }
        }
        currentWeights.put(best, bestWeight - total);
        return best;
    }
}
