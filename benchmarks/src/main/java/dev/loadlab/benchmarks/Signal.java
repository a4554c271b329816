package dev.loadlab.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A count that other threads raise and the benchmark thread waits on by spinning, so that seeing
 * the raise costs a cache-line transfer (well under 0.1 µs) and never a wake-up of its own: the
 * wake-up measured is the other side's alone.
 *
 * <p>Threading: any thread raises; one benchmark thread awaits. A wait gives up with an exception
 * after {@link #BOUND_SECONDS}, so that a broken benchmark fails its run instead of hanging it.
 */
final class Signal {
    static final long BOUND_SECONDS = 10;

    private final AtomicLong count = new AtomicLong();

    void raise() {
        count.incrementAndGet();
    }

    long count() {
        return count.get();
    }

    /** Spins until the count has passed {@code seen}; returns the count then. */
    long awaitAbove(long seen) {
        long value = count.get();
        if (value > seen) {
            return value;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
        for (int spins = 1; ; spins++) {
            Thread.onSpinWait();
            value = count.get();
            if (value > seen) {
                return value;
            }
            if ((spins & 0xFFFF) == 0 && System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("no signal within " + BOUND_SECONDS + " s: the other side is stuck");
            }
        }
    }
}
