package dev.loadlab.client.oracle;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * The oracle's service time of each request, in the order requests arrive: known exactly in
 * advance, so that a model can predict every answer time.
 */
public sealed interface ServiceTime {

    /** A fresh sequence of service times in nanoseconds: the n-th call answers for the n-th arrival. */
    LongSupplier sequence();

    /** A short description, e.g. {@code fixed 10 ms} or {@code exponential mean 10 ms, seed 7}. */
    String describe();

    /** Every request takes exactly {@code nanos}. */
    record Fixed(long nanos) implements ServiceTime {
        public Fixed {
            if (nanos < 0) {
                throw new IllegalArgumentException("a service time must be at least 0 ns, got " + nanos);
            }
        }

        @Override
        public LongSupplier sequence() {
            return () -> nanos;
        }

        @Override
        public String describe() {
            return String.format(Locale.ROOT, "fixed %s ms", millis(nanos));
        }
    }

    /** Exponentially distributed with mean {@code meanNanos}, drawn from a generator seeded with {@code seed}. */
    record Exponential(long meanNanos, long seed) implements ServiceTime {
        public Exponential {
            if (meanNanos <= 0) {
                throw new IllegalArgumentException("an exponential mean must be above 0 ns, got " + meanNanos);
            }
        }

        @Override
        public LongSupplier sequence() {
            SplittableRandom random = new SplittableRandom(seed);
            // 1 - nextDouble() lies in (0, 1], so the logarithm is finite.
            return () -> Math.round(-Math.log(1.0 - random.nextDouble()) * meanNanos);
        }

        @Override
        public String describe() {
            return String.format(Locale.ROOT, "exponential mean %s ms, seed %d", millis(meanNanos), seed);
        }
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6).replaceAll("\\.?0+$", "");
    }
}
