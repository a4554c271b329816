package dev.loadlab.api.lane;

/** What {@link Lane#offer} did with a newcomer. */
public enum Admission {
    /** A worker was free: the caller serves the request now, it already counts as in service. */
    SERVE_NOW,
    /** The request waits; the lane later either returns it from {@link Lane#release()} or sheds it. */
    QUEUED,
    /** The queue is at capacity: the caller answers {@code queue_full}; the lane keeps no reference. */
    QUEUE_FULL
}
