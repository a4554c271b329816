package dev.loadlab.api.http;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the requests a server has taken and not yet finished, and stops taking new ones once
 * draining starts, so that a drain waits for exactly the requests that were let in.
 *
 * <p>Threading: {@link #enter()} and {@link #exit()} are called by I/O threads (and whichever
 * thread completes an exchange); {@link #drain} by the thread that stops the server. The count is
 * raised before the flag is read, and the drainer sets the flag before reading the count: however
 * they interleave, a request let in is one the drainer waits for. The drainer waits on this
 * object's monitor; whoever brings the count to zero while draining takes the monitor to wake it,
 * and the drainer reads the count under the monitor before it waits, so that wake-up is never
 * lost. Nobody takes the monitor outside a drain.
 */
public final class DrainGate {
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile boolean draining;

    /** Lets a request in, unless draining; a request let in must {@link #exit()} exactly once. */
    public boolean enter() {
        active.incrementAndGet();
        if (draining) {
            refused.incrementAndGet();
            exit();
            return false;
        }
        return true;
    }

    public void exit() {
        if (active.decrementAndGet() == 0 && draining) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    public boolean draining() {
        return draining;
    }

    /** Requests let in and not yet finished: queued, in service, or being answered. */
    public int active() {
        return active.get();
    }

    /** Requests refused because the server was draining. */
    public int refused() {
        return refused.get();
    }

    /** Stops letting requests in and waits until those let in have finished; false if time ran out. */
    public boolean drain(long timeout, TimeUnit unit) throws InterruptedException {
        draining = true;
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (this) {
            while (active.get() > 0) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, remaining);
            }
        }
        return true;
    }
}
