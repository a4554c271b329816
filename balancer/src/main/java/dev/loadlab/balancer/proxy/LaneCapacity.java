package dev.loadlab.balancer.proxy;

import dev.loadlab.api.lane.Lane;
import dev.loadlab.api.lane.Waiter;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Keeps the balancer lane's number of workers equal to the backends' capacity (available backends
 * × {@code --max-per-backend}) as that changes.
 *
 * <p>Threading: {@link #follow} is called whenever the capacity may have changed, by I/O threads
 * (an ejection starts), the health checker's threads (a check flips) and the backends' timer (an
 * ejection ends), often close together when a backend comes back. Reading the capacity and
 * resizing the lane are one step under this object's monitor. Were they two, a thread that read
 * the capacity before another thread's change could resize after that thread, and its stale size
 * would stand until the next change. Every change is made before its own call to {@code follow},
 * so the last call to take the monitor sees every change. The monitor is held for one capacity
 * read and one resize (the lane's lock is taken inside it, never the other way round).
 */
final class LaneCapacity {
    private final Lane lane;
    private final IntSupplier capacity;

    LaneCapacity(Lane lane, IntSupplier capacity) {
        this.lane = lane;
        this.capacity = capacity;
    }

    /** Resizes the lane to the capacity now; returns the waiters a rise granted a worker, for the caller to start. */
    synchronized List<Waiter> follow() {
        return lane.resize(capacity.getAsInt());
    }
}
