package dev.loadlab.balancer.backend;

import io.undertow.server.handlers.proxy.ProxyConnectionPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One configured backend: its connection pool, its health (active checks and passive ejection),
 * its requests in flight, and what it has served.
 *
 * <p>Threading: the balancer's I/O threads reserve and finish requests and count probes; the
 * health checker's threads count checks and set health. Counters are atomic; health and the end of an ejection are volatile, read on
 * every pick without a lock; the latency average, the check streak and the failure counts are guarded by this
 * object's monitor, held for a few arithmetic operations.
 */
public final class Backend {
    /** Time constant of the latency average's decay: the weight of a sample halves in about 7 s. */
    static final long EWMA_DECAY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final BackendAddress address;
    private final ProxyConnectionPool pool;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile String instance;
    /** False until the first health check passes: a backend takes no request before its name is known. */
    private volatile boolean healthy;

    /** Read on every pick without the lock; written under it. */
    private volatile long ejectedUntilNanos;
    // Guarded by this.
    /** Health checks and probes passed (positive) or failed (negative) in a row. */
    private int checkStreak;
    private int consecutiveFailures;
    /** Ejections since the balancer started: a counter for /stats and /metrics. */
    private int ejections;
    /** Ejections since the last {@link #forgetPassiveState}: each doubles the next one's length. */
    private int ejectionsInTurn;
    private boolean latencySampled;
    private double ewmaNanos;
    private long ewmaStampNanos;

    Backend(BackendAddress address, ProxyConnectionPool pool) {
        this.address = address;
        this.pool = pool;
        this.instance = address.hostAndPort();
    }

    public BackendAddress address() {
        return address;
    }

    public int weight() {
        return address.weight();
    }

    ProxyConnectionPool pool() {
        return pool;
    }

    /**
     * The backend's instance name, from its {@code /health}; {@code host:port} for a backend whose
     * passed checks name no instance. Set before the first check makes the backend available.
     */
    public String instance() {
        return instance;
    }

    void instance(String name) {
        this.instance = name;
    }

    public int inFlight() {
        return inFlight.get();
    }

    public long served() {
        return served.get();
    }

    public long errors() {
        return errors.get();
    }

    public boolean healthy() {
        return healthy;
    }

    void healthy(boolean healthy) {
        this.healthy = healthy;
    }

    public synchronized int ejections() {
        return ejections;
    }

    public boolean ejected(long nowNanos) {
        return nowNanos < ejectedUntilNanos;
    }

    /** Healthy and not ejected: may get new requests. */
    public boolean available(long nowNanos) {
        return healthy && !ejected(nowNanos);
    }

    /** Takes one of the backend's in-flight places, if fewer than {@code limit} are taken. */
    boolean tryReserve(int limit) {
        for (int current = inFlight.get(); current < limit; current = inFlight.get()) {
            if (inFlight.compareAndSet(current, current + 1)) {
                return true;
            }
        }
        return false;
    }

    /** The request answered: frees its place and feeds the latency average. */
    void finished(long latencyNanos, boolean serverError, long nowNanos) {
        inFlight.decrementAndGet();
        served.incrementAndGet();
        if (serverError) {
            errors.incrementAndGet();
        }
        synchronized (this) {
            observeLatency(latencyNanos, nowNanos);
        }
    }

    /** The request failed before an answer (connect refused, connection reset): frees its place. */
    void failed() {
        inFlight.decrementAndGet();
        errors.incrementAndGet();
    }

    /** Counts a passed or failed health check or probe; returns the streak it makes (see {@link #checkStreak}). */
    synchronized int countCheck(boolean passed) {
        checkStreak = passed ? Math.max(1, checkStreak + 1) : Math.min(-1, checkStreak - 1);
        return checkStreak;
    }

    /**
     * Counts a success or a failure for passive ejection. Returns the ejection's duration in
     * milliseconds if this failure ejected the backend, else 0.
     */
    synchronized long recordOutcome(boolean failure, EjectionPolicy policy, long nowNanos) {
        if (!failure) {
            consecutiveFailures = 0;
            return 0;
        }
        if (++consecutiveFailures < policy.consecutiveFailures() || nowNanos < ejectedUntilNanos) {
            return 0;
        }
        consecutiveFailures = 0;
        ejections++;
        ejectionsInTurn++;
        long millis = policy.durationMillis(ejectionsInTurn);
        ejectedUntilNanos = nowNanos + TimeUnit.MILLISECONDS.toNanos(millis);
        return millis;
    }

    /**
     * Feeds the peak-sensitive moving average of latency (Finagle's peak EWMA). With {@code w} the
     * weight left to the old average after the time since the last sample ({@code e^(-Δt/τ)}): a
     * sample slower than the decayed average replaces it at once; a faster one is blended in,
     * {@code average·w + sample·(1-w)}.
     */
    private void observeLatency(long latencyNanos, long nowNanos) {
        double keep = Math.exp(-(double) (nowNanos - ewmaStampNanos) / EWMA_DECAY_NANOS);
        if (!latencySampled || latencyNanos > ewmaNanos * keep) {
            ewmaNanos = latencyNanos;
        } else {
            ewmaNanos = ewmaNanos * keep + latencyNanos * (1 - keep);
        }
        ewmaStampNanos = nowNanos;
        latencySampled = true;
    }

    /**
     * Forgets what the balancer learnt from this backend's answers, as a balancer started afresh
     * would not know it: ends an ejection, clears the failures in a row, restarts the doubling of
     * ejection lengths and empties the latency average. Health (active checks) and the counters
     * stay: they describe the backend, not the strategy's view of it.
     */
    synchronized void forgetPassiveState() {
        ejectedUntilNanos = 0;
        consecutiveFailures = 0;
        ejectionsInTurn = 0;
        latencySampled = false;
        ewmaNanos = 0;
        ewmaStampNanos = 0;
    }

    /** Whether any answer has fed the latency average yet. */
    public synchronized boolean latencySampled() {
        return latencySampled;
    }

    /**
     * The latency average as of {@code nowNanos}, in nanoseconds: the average after the last
     * answer, decayed by the time since ({@code e^(-Δt/τ)}), as Finagle's decays on every read.
     * A backend that was slow once and then gets no traffic therefore earns traffic back. Reading
     * changes nothing, so the value does not depend on how often it is read. 0 before the first answer.
     */
    public synchronized double ewmaLatencyNanos(long nowNanos) {
        if (!latencySampled) {
            return 0;
        }
        return ewmaNanos * Math.exp(-(double) Math.max(0, nowNanos - ewmaStampNanos) / EWMA_DECAY_NANOS);
    }

    @Override
    public String toString() {
        return instance + " (" + address.hostAndPort() + ")";
    }
}
