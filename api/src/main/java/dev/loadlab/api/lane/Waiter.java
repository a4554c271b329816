package dev.loadlab.api.lane;

/**
 * A request in a lane, whatever it is in its concurrency model: a task for a platform thread, a
 * parked virtual thread, a suspended exchange. The lane links waiters into its queue through the
 * fields below, so queuing allocates nothing.
 *
 * <p>Threading: the link fields and timestamps are written by the lane under its lock. After the
 * lane hands the waiter out (by {@link Lane#offer} returning {@link Admission#SERVE_NOW}, by
 * {@link Lane#release()} returning it, or by calling {@link #onShed()}), the lane never touches it
 * again, and the lock's release makes the timestamps visible to whichever thread serves it.
 */
public abstract class Waiter {
    Waiter previous;
    Waiter next;
    boolean queued;
    long arrivalNanos;
    long grantedNanos;
    int queueDepthAtArrival;
    int inFlightAtArrival;

    /**
     * Called once, outside the lane's lock, when the lane gives up on this waiter
     * ({@code queue_timeout}); it must see that the request is answered. Runs on whichever thread
     * noticed the expiry: the lane's sweeper or a thread offering to or releasing from the lane.
     */
    protected abstract void onShed();

    /** {@link System#nanoTime()} when the request arrived at the lane. */
    public final long arrivalNanos() {
        return arrivalNanos;
    }

    /** Nanoseconds the request waited for a worker; 0 if served at once. Valid once granted. */
    public final long queuedNanos() {
        return grantedNanos - arrivalNanos;
    }

    /** {@link System#nanoTime()} when the request entered service. Valid once granted. */
    public final long grantedNanos() {
        return grantedNanos;
    }

    /** Requests waiting in the lane when this one arrived. */
    public final int queueDepthAtArrival() {
        return queueDepthAtArrival;
    }

    /** Requests in service or waiting in the lane when this one arrived, not counting itself. */
    public final int inFlightAtArrival() {
        return inFlightAtArrival;
    }
}
