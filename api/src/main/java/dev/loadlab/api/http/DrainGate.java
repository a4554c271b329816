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
 * they interleave, a request let in is one the drainer waits for.
 */
public final class DrainGate {
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile boolean draining;

    /** Lets a request in, unless draining; a request let in must {@link #exit()} exactly once. */
    public boolean enter() {
        active.incrementAndGet();
        if (draining) {
            active.decrementAndGet();
            refused.incrementAndGet();
            return false;
        }
        return true;
    }

    public void exit() {
        active.decrementAndGet();
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
        while (active.get() > 0) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }
}
