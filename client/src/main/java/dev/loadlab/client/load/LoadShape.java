package dev.loadlab.client.load;

/** How requests are paced: a fixed number in flight, or a fixed schedule. */
public sealed interface LoadShape {

    /** {@code concurrency} connections, each sending its next request once its last has ended. */
    record ClosedLoop(int concurrency) implements LoadShape {
    }

    /**
     * Requests sent at {@code rateHz} on a schedule fixed in advance, answered or not, over
     * {@code connections} connections, each with at most one request in flight.
     *
     * @param seed        seeds the Poisson arrival gaps; unused for uniform arrivals
     * @param connections connections sharing the schedule, each with at most one request in flight
     */
    record OpenLoop(double rateHz, Arrival arrival, long seed, int connections) implements LoadShape {
        /** The connections of an open loop when none are given. */
        public static final int DEFAULT_CONNECTIONS = 100;

        public OpenLoop(double rateHz, Arrival arrival, long seed) {
            this(rateHz, arrival, seed, DEFAULT_CONNECTIONS);
        }
    }

    /** How the open loop spaces its requests. */
    enum Arrival {
        /** Request i is due at start + i/rate. */
        UNIFORM,
        /** Exponentially distributed gaps with mean 1/rate, from a seeded generator. */
        POISSON
    }
}
