package dev.loadlab.balancer.strategy;

import dev.loadlab.balancer.backend.Backend;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Latency-aware, as Finagle and Linkerd balance: the candidate with the lowest expected cost, its
 * peak-sensitive moving average of latency times (requests in flight + 1). The average jumps up to
 * a slower answer at once and decays with time since the last answer, also while the backend gets
 * no traffic (see {@link Backend#ewmaLatencyNanos(long)}), so a backend that turns slow loses
 * traffic immediately and earns it back gradually.
 *
 * <p>A backend with no answer yet costs nothing while it has nothing in flight, so that it is
 * tried, and more than any measured backend once it has: {@link #PENALTY_NANOS} plus its requests
 * in flight (Finagle's rule). Without the penalty every request would go to an unmeasured backend
 * until its first answer came back, up to {@code --max-per-backend} of them: the cold-start herd.
 *
 * <p>Every candidate is compared (Finagle and Linkerd compare two random ones; with the handful
 * of backends a loadlab balancer fronts, a full scan costs as little). Ties go to the earlier
 * candidate.
 */
public final class PeakEwma implements Strategy {
    /** The cost of an unmeasured backend with requests in flight: above any measured one (about 39 hours). */
    static final double PENALTY_NANOS = Long.MAX_VALUE >> 16;

    private final LongSupplier nanoClock;

    public PeakEwma() {
        this(System::nanoTime);
    }

    /** With a clock of the caller's, so that tests can step time. */
    public PeakEwma(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    @Override
    public Backend pick(List<Backend> candidates) {
        long now = nanoClock.getAsLong();
        Backend best = null;
        double bestCost = Double.MAX_VALUE;
        for (Backend candidate : candidates) {
            double cost = cost(candidate, now);
            if (cost < bestCost) {
                best = candidate;
                bestCost = cost;
            }
        }
        return best;
    }

    private static double cost(Backend backend, long now) {
        int inFlight = backend.inFlight();
        if (!backend.latencySampled()) {
            return inFlight == 0 ? 0 : PENALTY_NANOS + inFlight;
        }
        return backend.ewmaLatencyNanos(now) * (inFlight + 1.0);
    }
}
