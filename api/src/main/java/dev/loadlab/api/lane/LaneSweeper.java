package dev.loadlab.api.lane;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Sheds expired waiters when nothing else happens in their lane, so that every shed request is
 * answered, and costs nothing while no lane holds a waiter that can expire.
 *
 * <p>It sleeps until the earliest moment any watched lane could shed a waiter, as the lanes report
 * it: indefinitely while none can. A lane {@linkplain #arm arms} it whenever that moment moves
 * earlier than what it last reported (a waiter joins an empty queue, say); every other change only
 * makes the moment later, and the sweep that wakes it asks every lane again.
 *
 * <p>Threading: one daemon platform thread runs {@link #sweepDue()} and sleeps; lanes call
 * {@link #arm} from any thread, outside their lock. No arm is lost: {@link #sweepDue()} clears the
 * wake-up time before it reads the lanes, so an arm either lands after that (and wakes the thread)
 * or belongs to a waiter the sweep already sees.
 */
final class LaneSweeper implements AutoCloseable {
    /** A wake-up time meaning "not until armed". */
    static final long NEVER = Long.MAX_VALUE;

    private final LongSupplier nanoClock;
    private final AtomicLong wakeAtNanos = new AtomicLong(NEVER);
    private final Thread thread;
    private volatile List<Lane> lanes = List.of();
    private volatile boolean closed;
    private volatile long sweeps;

    /** Watching nothing, not started: see {@link #watch} and {@link #start}. */
    LaneSweeper(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.thread = Thread.ofPlatform().name("lane-sweeper").daemon().unstarted(this::run);
    }

    /** The lanes to sweep; set once, after they exist (they arm this sweeper). */
    void watch(List<Lane> watched) {
        lanes = List.copyOf(watched);
    }

    /** Starts the sweeper's thread. */
    void start() {
        thread.start();
    }

    /** The sweeper's thread, for tests. */
    Thread thread() {
        return thread;
    }

    /** A lane could shed a waiter at {@code deadlineNanos}: wakes the sweeper then at the latest. */
    void arm(long deadlineNanos) {
        if (deadlineNanos < wakeAtNanos.getAndAccumulate(deadlineNanos, Math::min)) {
            LockSupport.unpark(thread);
        }
    }

    /** When the sweeper will next wake, {@link #NEVER} while no lane holds a waiter that can expire. */
    long wakeAtNanos() {
        return wakeAtNanos.get();
    }

    /** Sweeps done so far; for tests. */
    long sweeps() {
        return sweeps;
    }

    /** Sweeps every lane; returns when to sweep next. Called by the sweeper's thread (or a test). */
    long sweepDue() {
        wakeAtNanos.set(NEVER);
        long next = NEVER;
        for (Lane lane : lanes) {
            next = Math.min(next, lane.sweepAndReportExpiry());
        }
        sweeps++; // one writer: the sweeper's thread
        return wakeAtNanos.accumulateAndGet(next, Math::min);
    }

    private void run() {
        while (!closed) {
            long wakeAt = wakeAtNanos.get();
            long waitNanos = wakeAt == NEVER ? NEVER : wakeAt - nanoClock.getAsLong();
            if (waitNanos <= 0) {
                sweepDue();
            } else if (waitNanos == NEVER) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, waitNanos);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }
}
