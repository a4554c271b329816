package dev.loadlab.api.lane;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * One discipline's admission gate: at most {@code workers} requests in service, at most
 * {@code queueCapacity} waiting, and a discipline that picks which waiter gets a freed worker.
 *
 * <p>The same lane serves all three concurrency models. A model calls {@link #offer} when a request
 * arrives, serves it at once on {@link Admission#SERVE_NOW}, and calls {@link #release()} when a
 * request leaves service; {@code release} hands the freed worker straight to the next waiter and
 * returns it, and the model starts it in its own way (the same platform thread runs it, a parked
 * virtual thread is unparked, a suspended exchange is resumed on its I/O thread).
 *
 * <p>Invariant: a request waits only while every worker is busy, so {@code queued > 0} implies
 * {@code inService >= workers}; a freed worker never idles while someone waits. ({@code inService}
 * exceeds {@code workers} only for a moment after {@link #resize} lowers it.)
 *
 * <p>Expiry: waiters are linked oldest (head) to newest (tail), so expired waiters are always a run
 * at the head. Every offer and release sheds that run; when nothing else happens in the lane, the
 * sweeper of its {@link Lanes} does, woken at the earliest moment the oldest waiter can expire
 * (the lane arms it when that moment moves earlier): every shed waiter is answered, and a lane that
 * holds no waiter that can expire costs the sweeper nothing.
 *
 * <p>Congestion ({@link Discipline#ADAPTIVE_LIFO} serves LIFO while congested, {@link Discipline#CODEL}
 * sheds waiters older than the target): judged as folly's {@code Codel} judges it, the CoDel rule
 * (RFC 8289) for request queues. Every request entering service is a sample of queueing delay (0
 * for one served at once); at the end of each interval the lane is congested for the next one if
 * the smallest sample exceeded the target, that is if a standing queue made every request wait.
 * A queue that never empties but serves each request within the target is not congested.
 * Unlike folly, which drops a request at dequeue when it waited over twice the target, a congested
 * codel lane sheds its waiters older than the target, at the head of the line and by sweep.
 *
 * <p>Threading: every method may be called from any thread; state is guarded by one lock, held for
 * a few field updates. Shed callbacks run after the lock is released, on the calling thread.
 */
public final class Lane {
    private static final System.Logger LOG = System.getLogger(Lane.class.getName());
    private static final long NO_SAMPLE = Long.MAX_VALUE;

    private final Discipline discipline;
    private final LaneSettings settings;
    private final LongSupplier nanoClock;
    /** Told when the earliest possible expiry moves earlier than last reported; see {@link LaneSweeper}. */
    private final LongConsumer expiryListener;
    private final long queueTimeoutNanos;
    private final long codelIntervalNanos;
    private final long codelTargetNanos;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition becameIdle = lock.newCondition();
    // Guarded by lock.
    private int workers;
    private Waiter oldest;
    private Waiter newest;
    private int queued;
    private int inService;
    private int maxQueued;
    private long received;
    private long completed;
    private long rejected;
    private long shed;
    private long cancelled;
    // CoDel's congestion, as folly's Codel judges it (see congestedOver): every request entering
    // service is a sample of queueing delay; at the end of each interval the lane is congested
    // for the next one if the smallest sample exceeded the target.
    private long intervalEndNanos;
    private long intervalMinDelayNanos = NO_SAMPLE;
    private boolean congested;
    /** The earliest expiry last reported to the sweeper (or told to {@link #expiryListener}). */
    private long reportedExpiryNanos = LaneSweeper.NEVER;

    public Lane(Discipline discipline, LaneSettings settings) {
        this(discipline, settings, System::nanoTime);
    }

    /**
     * With a clock of the caller's, so that tests can step time. Nothing sweeps such a lane: its
     * expired waiters are shed by the next offer, release or {@link #sweep()}.
     */
    public Lane(Discipline discipline, LaneSettings settings, LongSupplier nanoClock) {
        this(discipline, settings, nanoClock, deadline -> { });
    }

    /** A lane of a {@link Lanes}, which tells {@code expiryListener} when a waiter can first expire. */
    Lane(Discipline discipline, LaneSettings settings, LongSupplier nanoClock, LongConsumer expiryListener) {
        this.discipline = discipline;
        this.settings = settings;
        this.nanoClock = nanoClock;
        this.expiryListener = expiryListener;
        this.workers = settings.workers();
        this.queueTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(settings.queueTimeoutMillis());
        this.codelIntervalNanos = TimeUnit.MILLISECONDS.toNanos(settings.codelIntervalMillis());
        this.codelTargetNanos = TimeUnit.MILLISECONDS.toNanos(settings.codelTargetMillis());
        this.intervalEndNanos = nanoClock.getAsLong() + codelIntervalNanos;
    }

    public Discipline discipline() {
        return discipline;
    }

    /** The settings, with the number of workers as it is now (see {@link #resize}). */
    public LaneSettings settings() {
        lock.lock();
        try {
            return withWorkers(workers);
        } finally {
            lock.unlock();
        }
    }

    private LaneSettings withWorkers(int current) {
        return current == settings.workers() ? settings : new LaneSettings(current, settings.queueCapacity(),
                settings.queueTimeoutMillis(), settings.codelIntervalMillis(), settings.codelTargetMillis());
    }

    /**
     * Changes the number of workers, for a gate whose capacity moves (the balancer's follows its
     * healthy backends). A fall lets the requests in service finish; a rise hands the new workers
     * to waiters at once. Returns those waiters, in discipline order, already counted as in
     * service: the caller starts each of them.
     */
    public List<Waiter> resize(int newWorkers) {
        List<Waiter> granted = new ArrayList<>();
        Waiter expired;
        long soonerExpiry;
        lock.lock();
        try {
            long now = nanoClock.getAsLong();
            endIntervalIfOver(now);
            workers = newWorkers;
            expired = unlinkExpired(now);
            while (inService < workers) {
                Waiter next = pickNext();
                if (next == null) {
                    break;
                }
                unlink(next);
                grant(next, now);
                granted.add(next);
            }
            soonerExpiry = soonerExpiry();
        } finally {
            lock.unlock();
        }
        armIfSooner(soonerExpiry);
        shedAll(expired);
        return granted;
    }

    /**
     * Admits a newcomer. On {@link Admission#SERVE_NOW} it counts as in service and the caller serves
     * it; on {@link Admission#QUEUED} the lane owns it until it returns it from {@link #release()},
     * sheds it, or {@link #cancel} removes it; on {@link Admission#QUEUE_FULL} the caller answers.
     */
    public Admission offer(Waiter waiter) {
        Waiter expired;
        Admission admission;
        long soonerExpiry = LaneSweeper.NEVER;
        lock.lock();
        try {
            long now = nanoClock.getAsLong();
            endIntervalIfOver(now);
            expired = unlinkExpired(now);
            received++;
            waiter.arrivalNanos = now;
            waiter.queueDepthAtArrival = queued;
            waiter.inFlightAtArrival = inService + queued;
            if (inService < workers) {
                grant(waiter, now);
                admission = Admission.SERVE_NOW;
            } else if (queued >= settings.queueCapacity()) {
                rejected++;
                admission = Admission.QUEUE_FULL;
            } else {
                link(waiter);
                admission = Admission.QUEUED;
                soonerExpiry = soonerExpiry();
            }
        } finally {
            lock.unlock();
        }
        armIfSooner(soonerExpiry);
        shedAll(expired);
        return admission;
    }

    /**
     * Called when a request leaves service (answered, or failed while in service). Returns the
     * waiter that now holds the freed worker, already counted as in service, or null if none waits.
     * The caller must start the returned waiter.
     */
    public Waiter release() {
        Waiter expired;
        Waiter next;
        long soonerExpiry = LaneSweeper.NEVER;
        lock.lock();
        try {
            long now = nanoClock.getAsLong();
            completed++;
            inService--;
            assert inService >= 0 : "release() without a request in service";
            endIntervalIfOver(now);
            expired = unlinkExpired(now);
            next = inService < workers ? pickNext() : null;
            if (next != null) {
                unlink(next);
                grant(next, now);
                soonerExpiry = soonerExpiry();
            } else {
                signalIfIdle();
            }
        } finally {
            lock.unlock();
        }
        armIfSooner(soonerExpiry);
        shedAll(expired);
        return next;
    }

    /**
     * Removes a waiter whose client went away. Returns false if it is no longer waiting (it was
     * granted a worker or shed meanwhile), in which case its new owner answers it.
     */
    public boolean cancel(Waiter waiter) {
        lock.lock();
        try {
            if (!waiter.queued) {
                return false;
            }
            unlink(waiter);
            cancelled++;
            signalIfIdle();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Sheds the waiters whose time is up, now. */
    public void sweep() {
        Waiter expired;
        lock.lock();
        try {
            long now = nanoClock.getAsLong();
            endIntervalIfOver(now);
            expired = unlinkExpired(now);
        } finally {
            lock.unlock();
        }
        shedAll(expired);
    }

    /**
     * {@link #sweep()}, for the {@link LaneSweeper}: returns the earliest moment a waiter could
     * expire next, {@link LaneSweeper#NEVER} if none can, and remembers it as reported.
     */
    long sweepAndReportExpiry() {
        Waiter expired;
        long next;
        lock.lock();
        try {
            long now = nanoClock.getAsLong();
            endIntervalIfOver(now);
            expired = unlinkExpired(now);
            next = nextExpiryNanos();
            reportedExpiryNanos = next;
        } finally {
            lock.unlock();
        }
        shedAll(expired);
        return next;
    }

    /** Requests in service or waiting now. */
    public int inFlight() {
        lock.lock();
        try {
            return inService + queued;
        } finally {
            lock.unlock();
        }
    }

    public LaneStats stats() {
        lock.lock();
        try {
            endIntervalIfOver(nanoClock.getAsLong());
            return new LaneStats(discipline, withWorkers(workers), received, completed, rejected, shed, cancelled,
                    inService, queued, maxQueued, congested);
        } finally {
            lock.unlock();
        }
    }

    /** Waits until nothing is in service or queued. Returns false if the time ran out first. */
    public boolean awaitIdle(long timeout, TimeUnit unit) throws InterruptedException {
        long remainingNanos = unit.toNanos(timeout);
        lock.lock();
        try {
            while (inService > 0 || queued > 0) {
                if (remainingNanos <= 0) {
                    return false;
                }
                remainingNanos = becameIdle.awaitNanos(remainingNanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Counts a request in service from {@code now}, and its wait as a sample of queueing delay. */
    private void grant(Waiter waiter, long now) {
        inService++;
        waiter.grantedNanos = now;
        intervalMinDelayNanos = Math.min(intervalMinDelayNanos, now - waiter.arrivalNanos);
    }

    /**
     * Judges the interval that ended, if one did, and starts the next: the lane is congested for
     * the next interval when every request that entered service in this one had waited longer than
     * the target (folly's {@code Codel}: the minimum delay over the interval exceeds the target).
     * An interval in which nobody entered service gives no evidence: the judgement stands, unless
     * nobody waits either. Intervals start when the previous one is judged, as in folly.
     */
    private void endIntervalIfOver(long now) {
        if (now - intervalEndNanos < 0) {
            return;
        }
        if (intervalMinDelayNanos != NO_SAMPLE) {
            congested = intervalMinDelayNanos > codelTargetNanos;
        } else if (queued == 0) {
            congested = false;
        }
        intervalMinDelayNanos = NO_SAMPLE;
        intervalEndNanos = now + codelIntervalNanos;
    }

    private Waiter pickNext() {
        return switch (discipline) {
            case FIFO, CODEL -> oldest;
            case LIFO -> newest;
            case ADAPTIVE_LIFO -> congested ? newest : oldest;
        };
    }

    /** The longest a waiter may wait now, or 0 for no limit. */
    private long timeoutNanos() {
        if (discipline == Discipline.CODEL && congested) {
            return queueTimeoutNanos == 0 ? codelTargetNanos : Math.min(codelTargetNanos, queueTimeoutNanos);
        }
        return queueTimeoutNanos;
    }

    /**
     * The earliest moment the oldest waiter can be shed, as things stand ({@link #unlinkExpired}'s
     * rule: older than the timeout; in a CoDel lane, older than the target while congested), or
     * {@link LaneSweeper#NEVER} when nothing waits or nothing can expire. Later waiters arrived
     * later, so they cannot expire sooner. A CoDel lane not congested now can become so only at
     * the end of an interval whose every sample so far exceeds the target; a sample to come is a
     * grant, after which the lane asks again.
     */
    private long nextExpiryNanos() {
        if (oldest == null) {
            return LaneSweeper.NEVER;
        }
        long next = queueTimeoutNanos == 0 ? LaneSweeper.NEVER : oldest.arrivalNanos + queueTimeoutNanos + 1;
        if (discipline == Discipline.CODEL) {
            long pastTargetNanos = oldest.arrivalNanos + codelTargetNanos + 1;
            if (congested) {
                next = Math.min(next, pastTargetNanos);
            } else if (intervalMinDelayNanos != NO_SAMPLE && intervalMinDelayNanos > codelTargetNanos) {
                next = Math.min(next, Math.max(pastTargetNanos, intervalEndNanos));
            }
        }
        return next;
    }

    /**
     * The earliest expiry, if it is sooner than the one last reported (then reported now, to be told
     * to the {@link #expiryListener} once the lock is released); otherwise {@link LaneSweeper#NEVER}.
     */
    private long soonerExpiry() {
        long next = nextExpiryNanos();
        if (next >= reportedExpiryNanos) {
            return LaneSweeper.NEVER;
        }
        reportedExpiryNanos = next;
        return next;
    }

    /** Tells the sweeper about a sooner expiry found under the lock; called after releasing it. */
    private void armIfSooner(long soonerExpiry) {
        if (soonerExpiry != LaneSweeper.NEVER) {
            expiryListener.accept(soonerExpiry);
        }
    }

    /** Unlinks the run of expired waiters at the head; returns it chained through {@code next}. */
    private Waiter unlinkExpired(long now) {
        long timeout = timeoutNanos();
        if (timeout == 0) {
            return null;
        }
        Waiter first = null;
        Waiter last = null;
        while (oldest != null && now - oldest.arrivalNanos > timeout) {
            Waiter expired = oldest;
            unlink(expired);
            shed++;
            if (first == null) {
                first = expired;
            } else {
                last.next = expired;
            }
            last = expired;
        }
        if (first != null) {
            signalIfIdle();
        }
        return first;
    }

    /** Runs every shed callback, even if one fails: each shed waiter must be answered. */
    private static void shedAll(Waiter chain) {
        while (chain != null) {
            Waiter following = chain.next;
            chain.next = null;
            try {
                chain.onShed();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "answering a shed request failed", e);
            }
            chain = following;
        }
    }

    private void link(Waiter waiter) {
        waiter.queued = true;
        waiter.previous = newest;
        waiter.next = null;
        if (newest == null) {
            oldest = waiter;
        } else {
            newest.next = waiter;
        }
        newest = waiter;
        queued++;
        maxQueued = Math.max(maxQueued, queued);
    }

    private void unlink(Waiter waiter) {
        if (waiter.previous == null) {
            oldest = waiter.next;
        } else {
            waiter.previous.next = waiter.next;
        }
        if (waiter.next == null) {
            newest = waiter.previous;
        } else {
            waiter.next.previous = waiter.previous;
        }
        waiter.previous = null;
        waiter.next = null;
        waiter.queued = false;
        queued--;
    }

    private void signalIfIdle() {
        if (inService == 0 && queued == 0) {
            becameIdle.signalAll();
        }
    }
}
