package dev.loadlab.client.transport;

/**
 * When an open loop's timer wakes next: at the next slot, but never sooner than one grid step
 * after the previous wake-up's <em>target</em>. Anchoring on the target, not on the time the
 * wake-up actually came, is what keeps a timetable of one slot per step on time: anchored on
 * the actual time, every wake-up's overshoot (the kernel's timer slack, a busy core) pushed the
 * next one later by as much, so the lag grew slot after slot (measured at 1,000 req/s: dispatch
 * lag crept to about 1 ms, where an answer's wake-up, which then still sent due slots, sent it).
 * The targets are at least one step apart, so the timer wakes at most once per step on average.
 *
 * <p><b>Threads.</b> Used by one event loop only; not thread-safe.
 */
final class WakeGrid {
    private final long stepNanos;
    private long lastTargetNanos;

    /** A grid of {@code stepNanos}, free to wake at once from {@code nowNanos}. */
    WakeGrid(long stepNanos, long nowNanos) {
        if (stepNanos <= 0) {
            throw new IllegalArgumentException("step must be positive: " + stepNanos);
        }
        this.stepNanos = stepNanos;
        this.lastTargetNanos = nowNanos - stepNanos;
    }

    /** The target of the next wake-up, for a slot due at {@code dueNanos}; it becomes the anchor of the one after. */
    long nextTarget(long dueNanos) {
        long target = Math.max(dueNanos, lastTargetNanos + stepNanos);
        lastTargetNanos = target;
        return target;
    }
}
