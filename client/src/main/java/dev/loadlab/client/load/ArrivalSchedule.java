package dev.loadlab.client.load;

import java.util.SplittableRandom;

/**
 * The open loop's timetable: when request i is due, as an offset from the schedule's start.
 * Not thread-safe: the open loop calls it under its own lock. Offsets are non-decreasing.
 */
sealed interface ArrivalSchedule {

    /** Offset in nanoseconds of the next request. The first call answers for request 0. */
    long nextOffsetNanos();

    static ArrivalSchedule of(LoadShape.OpenLoop openLoop) {
        return switch (openLoop.arrival()) {
            case UNIFORM -> new Uniform(openLoop.rateHz());
            case POISSON -> new Poisson(openLoop.rateHz(), openLoop.seed());
        };
    }

    /** Request i is due at exactly i/rate: computed from i, so rounding never accumulates. */
    final class Uniform implements ArrivalSchedule {
        private final double intervalNanos;
        private long index;

        Uniform(double rateHz) {
            this.intervalNanos = 1e9 / rateHz;
        }

        @Override
        public long nextOffsetNanos() {
            return Math.round(index++ * intervalNanos);
        }
    }

    /** A Poisson process: exponential gaps with mean 1/rate; the same seed gives the same timetable. */
    final class Poisson implements ArrivalSchedule {
        private final double meanIntervalNanos;
        private final SplittableRandom random;
        private double offsetNanos;
        private boolean first = true;

        Poisson(double rateHz, long seed) {
            this.meanIntervalNanos = 1e9 / rateHz;
            this.random = new SplittableRandom(seed);
        }

        @Override
        public long nextOffsetNanos() {
            if (first) {
                first = false;
                return 0;
            }
            // 1 - nextDouble() lies in (0, 1], so the logarithm is finite.
            offsetNanos += -Math.log(1.0 - random.nextDouble()) * meanIntervalNanos;
            return Math.round(offsetNanos);
        }
    }
}
