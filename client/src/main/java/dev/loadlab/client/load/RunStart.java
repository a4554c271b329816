package dev.loadlab.client.load;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a run's slot 0 (the start of its warm-up, or of its measured phase without one) is, on
 * {@link System#nanoTime} and on the wall clock, and how late the run was ready for it.
 *
 * <p>Alone, slot 0 is now. With {@code --start-at}, the measured phase starts at that instant
 * and slot 0 is {@code warmup} before it: {@link #await} sleeps until then, or, when that moment
 * has passed, returns at once with slot 0 in the past, so the slots already due leave late.
 *
 * @param slotZeroNanos            {@link System#nanoTime} of slot 0
 * @param measuredStartEpochMillis wall-clock start of the measured phase
 * @param lateNanos                how long after slot 0 the run was ready to send; 0 when on time
 */
record RunStart(long slotZeroNanos, long measuredStartEpochMillis, long lateNanos) {

    /** The start of {@code settings}' run; waits for {@code --start-at}'s slot 0 when it lies ahead. */
    static RunStart await(LoadSettings settings) throws InterruptedException {
        Optional<Instant> startAt = settings.generator().startAt();
        if (startAt.isEmpty()) {
            return new RunStart(System.nanoTime(), System.currentTimeMillis() + settings.warmup().toMillis(), 0);
        }
        long nowNanos = System.nanoTime();
        long untilSlotZeroNanos = Duration.between(Instant.now(), startAt.get().minus(settings.warmup())).toNanos();
        long slotZeroNanos = nowNanos + untilSlotZeroNanos;
        for (long remaining = untilSlotZeroNanos; remaining > 0; remaining = slotZeroNanos - System.nanoTime()) {
            Thread.sleep(Duration.ofNanos(remaining));
        }
        return new RunStart(slotZeroNanos, startAt.get().toEpochMilli(), Math.max(0, -untilSlotZeroNanos));
    }
}
