package dev.loadlab.api.stats;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The service times of recent answers, kept by the load each request found when it arrived, so
 * that {@code /probe} can say what a request sent now would take: the median service time of
 * recent answers at about the current load.
 *
 * <p>Why by load: Prequal (Wydrowski et al., "Load is not what you should balance", NSDI 2024)
 * balances on each replica's requests in flight and its latency estimate, and estimates that
 * latency from recent queries that met about the same number in flight, since latency depends on
 * load. A window of the last answers, whatever their load, would answer for the load of a
 * moment ago, and after a burst would keep reporting it.
 *
 * <p>How: a request's load is the number in service or queued in its lane when it arrived (not
 * counting itself); loads map to buckets, exact up to 7 and then four per power of two, so that
 * loads up to 4 million need {@value #BUCKETS} buckets. Each bucket keeps its last {@value #SAMPLES}
 * service times in a ring. {@link #medianNanosAt} reads the bucket of the load asked about, or
 * the nearest one holding a sample from the last {@value #RECENT_SECONDS} s (failing that, the
 * nearest holding any), and returns the median of its samples.
 *
 * <p>Threading: {@link #record} is called on the request path by whichever thread answers, and
 * takes no lock: one atomic increment to claim a slot and two ordered stores. Concurrent
 * recordings into one bucket claim different slots; a reader may see a slot's previous sample
 * for a moment, which an estimate tolerates. {@link #medianNanosAt} is called by an I/O thread
 * answering {@code /probe}.
 */
public final class ServiceTimesByLoad {
    static final int SAMPLES = 32;
    static final int BUCKETS = 84;
    private static final int EXACT = 8;
    private static final int SUB_BUCKETS = 4;
    private static final long RECENT_SECONDS = 10;
    private static final long RECENT_NANOS = RECENT_SECONDS * 1_000_000_000L;
    private static final long NEVER = Long.MIN_VALUE;

    private final LongSupplier nanoClock;
    private final Bucket[] buckets = new Bucket[BUCKETS];

    public ServiceTimesByLoad() {
        this(System::nanoTime);
    }

    /** With a clock of the caller's, for tests. */
    ServiceTimesByLoad(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        for (int i = 0; i < BUCKETS; i++) {
            buckets[i] = new Bucket();
        }
    }

    /** One request's service time, and the number in flight when it arrived. */
    public void record(int inFlightAtArrival, long serviceNanos) {
        Bucket bucket = buckets[bucketOf(inFlightAtArrival)];
        int micros = (int) Math.min(Integer.MAX_VALUE, Math.max(0, serviceNanos / 1_000));
        long claimed = bucket.recorded.getAndIncrement();
        bucket.micros.setRelease((int) (claimed % SAMPLES), micros);
        bucket.lastRecordedNanos.setRelease(nanoClock.getAsLong());
    }

    /** The median service time of recent answers at about {@code inFlight}, in ns; 0 before any answer. */
    public long medianNanosAt(int inFlight) {
        int wanted = bucketOf(inFlight);
        long now = nanoClock.getAsLong();
        Bucket chosen = nearest(wanted, bucket -> bucket.isRecentAt(now));
        if (chosen == null) {
            chosen = nearest(wanted, Bucket::hasSamples);
        }
        return chosen == null ? 0 : chosen.medianNanos();
    }

    private Bucket nearest(int wanted, Predicate<Bucket> usable) {
        for (int distance = 0; distance < BUCKETS; distance++) {
            if (wanted - distance >= 0 && usable.test(buckets[wanted - distance])) {
                return buckets[wanted - distance];
            }
            if (distance > 0 && wanted + distance < BUCKETS && usable.test(buckets[wanted + distance])) {
                return buckets[wanted + distance];
            }
        }
        return null;
    }

    /** 0..7 exactly, then four buckets per power of two: 8, 10, 12, 14, 16, 20, 24, 28, 32, ... */
    static int bucketOf(int load) {
        if (load < EXACT) {
            return Math.max(0, load);
        }
        int power = 31 - Integer.numberOfLeadingZeros(load); // 3 or more
        int sub = (load >>> (power - 2)) & (SUB_BUCKETS - 1);
        return Math.min(BUCKETS - 1, EXACT + (power - 3) * SUB_BUCKETS + sub);
    }

    /** One load's ring of service times. */
    private static final class Bucket {
        final AtomicLong recorded = new AtomicLong();
        final AtomicIntegerArray micros = new AtomicIntegerArray(SAMPLES);
        final AtomicLong lastRecordedNanos = new AtomicLong(NEVER);

        boolean hasSamples() {
            return lastRecordedNanos.getAcquire() != NEVER;
        }

        /** Whether its last sample is at most {@value #RECENT_SECONDS} s old at {@code nowNanos}. */
        boolean isRecentAt(long nowNanos) {
            long last = lastRecordedNanos.getAcquire();
            return last != NEVER && nowNanos - last <= RECENT_NANOS;
        }

        long medianNanos() {
            int filled = (int) Math.min(SAMPLES, recorded.get());
            int[] sorted = new int[filled];
            for (int i = 0; i < filled; i++) {
                sorted[i] = micros.getAcquire(i);
            }
            Arrays.sort(sorted);
            long middle = sorted[filled / 2] * 1_000L;
            return filled % 2 == 1 ? middle : (sorted[filled / 2 - 1] * 1_000L + middle) / 2;
        }
    }
}
