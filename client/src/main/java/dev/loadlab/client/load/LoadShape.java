package dev.loadlab.client.load;

/** How requests are paced: a fixed number in flight, or a fixed schedule. */
public sealed interface LoadShape {

    /** {@code concurrency} workers, each sending its next request once the last is answered. */
    record ClosedLoop(int concurrency) implements LoadShape {
    }

    /**
     * Requests sent at {@code rateHz} on a schedule fixed in advance, answered or not.
     *
     * @param seed seeds the Poisson arrival gaps; unused for uniform arrivals
     */
    record OpenLoop(double rateHz, Arrival arrival, long seed) implements LoadShape {
    }

    /** How the open loop spaces its requests. */
    enum Arrival {
        /** Request i is due at start + i/rate. */
        UNIFORM,
        /** Exponentially distributed gaps with mean 1/rate, from a seeded generator. */
        POISSON
    }
}
