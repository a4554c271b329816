package dev.loadlab.client.load;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The closed loop's stop condition, asked before each request: warm-up until the measured start,
 * then measured requests until {@code --requests} are sent or {@code --duration} is over.
 * Latency in a closed loop is measured from the actual send: it has no schedule to fall behind,
 * which is why it cannot show coordinated omission (use the open loop for that).
 *
 * <p>Thread-safe: every connection's thread asks it; the permits are one atomic counter.
 */
public final class ClosedLoopBudget {
    /** {@link #next}: the connection is done. */
    public static final int DONE = -1;

    private final long measuredStartNanos;
    private final long measuredEndNanos;
    /** Measured requests still to send; goes negative once exhausted. */
    private final AtomicLong permits;

    public ClosedLoopBudget(long measuredStartNanos, StopCondition stop) {
        this.measuredStartNanos = measuredStartNanos;
        this.measuredEndNanos = stop.duration().map(d -> measuredStartNanos + d.toNanos()).orElse(Long.MAX_VALUE);
        this.permits = new AtomicLong(stop.requests().orElse(Long.MAX_VALUE));
    }

    /**
     * What a connection whose last request has ended does at {@code nowNanos}: {@link #DONE}, or
     * send a request of the returned phase ({@link Ledger#WARMUP} or {@link Ledger#MEASURED}).
     * A warm-up request takes no permit (it adds 0), without a branch on the phase.
     */
    public int next(long nowNanos) {
        if (nowNanos >= measuredEndNanos) {
            return DONE;
        }
        int phase = Ledger.phase(nowNanos - measuredStartNanos);
        return permits.addAndGet(phase - 1) < 0 ? DONE : phase;
    }
}
