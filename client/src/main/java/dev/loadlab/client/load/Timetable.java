package dev.loadlab.client.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The open loop's timetable, shared by all its connections: slot after slot, each claimed by
 * exactly one connection, in timetable order (so a seeded Poisson timetable is the same whoever
 * claims what), until the stop condition.
 *
 * <p>Each request carries its intended send time (its slot) and its actual one. When every
 * connection is busy (a slow or stalled server, or too few connections for the rate), due slots
 * wait, in order, for the next connection to free: they leave late, the lag shows in the
 * dispatch-lag histogram and in the latency from intended time (what a user arriving at that
 * slot waited), so a stall is never hidden (no coordinated omission). No slot is ever skipped:
 * a run sends exactly the requests its timetable holds, late if need be. This is wrk2's latency
 * correction on one timetable shared by every connection, not wrk2's timetable per connection:
 * no connection's slow answer delays slots another connection could send, and after a stall the
 * backlog leaves as fast as connections free up (a burst, where wrk2 would catch up at twice
 * the rate).
 *
 * <p>Two ways to claim: {@link #claimNext} takes the next slot whenever it is due (the jdk
 * transport's sender then parks until it is), {@link #claimDue} only a slot already due (the
 * netty transport's event loops, which wake at most once a millisecond and at every answer).
 *
 * <p><b>Threads.</b> The driving thread constructs it and, once every connection has ended,
 * reads {@link #outcome}. The claims are called by every connection's thread under this
 * object's monitor: a few arithmetic operations, never blocking, so the monitor is safe on
 * virtual threads too (a contended monitor would pin a carrier on JDK 21-23 only while it is
 * held, which is for nanoseconds). Each {@link SendLog} is written by one thread only.
 */
public final class Timetable {
    /** A claim's answer: the timetable holds no more slots. */
    public static final long EXHAUSTED = -1;
    /** {@link #claimDue}'s answer: the next slot is not due yet (see {@link #nextDueNanos}). */
    public static final long NOT_DUE = -2;

    private final LoadShape.OpenLoop openLoop;
    private final ArrivalSchedule schedule;
    private final long startNanos;
    private final long warmupNanos;
    private final long measuredEndOffsetNanos;
    private final long requestLimit;
    private final long lateThresholdNanos;
    /** Guarded by this. */
    private final List<SendLog> sendLogs = new ArrayList<>();
    private long pendingOffsetNanos;
    private long measuredClaimed;
    private long firstDueOffsetNanos;
    private long lastDueOffsetNanos;
    private boolean exhausted;

    public Timetable(LoadShape.OpenLoop openLoop, long startNanos, long warmupNanos, StopCondition stop) {
        this.openLoop = openLoop;
        this.schedule = ArrivalSchedule.of(openLoop);
        this.startNanos = startNanos;
        this.warmupNanos = warmupNanos;
        this.measuredEndOffsetNanos = stop.duration().map(d -> warmupNanos + d.toNanos()).orElse(Long.MAX_VALUE);
        this.requestLimit = stop.requests().orElse(Long.MAX_VALUE);
        this.lateThresholdNanos = lateThresholdNanos(openLoop.rateHz());
        this.pendingOffsetNanos = schedule.nextOffsetNanos();
    }

    /**
     * A request counts as late when it leaves more than one mean inter-arrival gap after its
     * slot, and never for less than a millisecond (the open loop's wake-up grid, and the timer
     * slack of a parked thread).
     */
    static long lateThresholdNanos(double rateHz) {
        return Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.round(1e9 / rateHz));
    }

    /** {@link System#nanoTime} of slot 0. */
    public long startNanos() {
        return startNanos;
    }

    /** Whether the slot at {@code offsetNanos} is measured (not warm-up). */
    public boolean measured(long offsetNanos) {
        return offsetNanos >= warmupNanos;
    }

    /** The next slot's offset from the start, due or not, or {@link #EXHAUSTED}. */
    public synchronized long claimNext() {
        return exhaustedNow() ? EXHAUSTED : take();
    }

    /** The next slot's offset if it is due at {@code nowNanos}; else {@link #NOT_DUE} or {@link #EXHAUSTED}. */
    public synchronized long claimDue(long nowNanos) {
        if (exhaustedNow()) {
            return EXHAUSTED;
        }
        return startNanos + pendingOffsetNanos <= nowNanos ? take() : NOT_DUE;
    }

    /** {@link System#nanoTime} at which the next unclaimed slot is due. */
    public synchronized long nextDueNanos() {
        return startNanos + pendingOffsetNanos;
    }

    /** A log of the sends of one thread; call once per sending thread, before it sends. */
    public synchronized SendLog newSendLog() {
        SendLog log = new SendLog(lateThresholdNanos);
        sendLogs.add(log);
        return log;
    }

    /** How the timetable was kept; call once every connection has ended. */
    public synchronized ScheduleOutcome outcome() {
        long lastSent = Long.MIN_VALUE;
        long late = 0;
        for (SendLog log : sendLogs) {
            lastSent = Math.max(lastSent, log.lastSentNanos);
            late += log.late;
        }
        long firstDue = startNanos + firstDueOffsetNanos;
        long window = measuredClaimed == 0 ? 0 : Math.max(0, lastSent - firstDue);
        double achievedRateHz = measuredClaimed > 1 && window > 0 ? (measuredClaimed - 1) * 1e9 / window : 0;
        return new ScheduleOutcome(openLoop.rateHz(), openLoop.arrival(), measuredClaimed, window, achievedRateHz,
                lateThresholdNanos, late, openLoop.connections(), lastDueOffsetNanos - firstDueOffsetNanos);
    }

    private boolean exhaustedNow() {
        if (!exhausted && pendingOffsetNanos >= warmupNanos
                && (measuredClaimed >= requestLimit || pendingOffsetNanos >= measuredEndOffsetNanos)) {
            exhausted = true;
        }
        return exhausted;
    }

    private long take() {
        long offsetNanos = pendingOffsetNanos;
        if (offsetNanos >= warmupNanos) {
            if (measuredClaimed++ == 0) {
                firstDueOffsetNanos = offsetNanos;
            }
            lastDueOffsetNanos = offsetNanos;
        }
        pendingOffsetNanos = schedule.nextOffsetNanos();
        return offsetNanos;
    }

    /**
     * How one sending thread kept the timetable: its late sends and its last send. Written by
     * that thread only, read by {@link #outcome} once it has ended.
     */
    public static final class SendLog {
        private final long lateThresholdNanos;
        private long lastSentNanos = Long.MIN_VALUE;
        private long late;

        private SendLog(long lateThresholdNanos) {
            this.lateThresholdNanos = lateThresholdNanos;
        }

        /** A measured request due at {@code dueNanos} left at {@code sentNanos}. */
        public void sent(long dueNanos, long sentNanos) {
            lastSentNanos = sentNanos;
            if (sentNanos - dueNanos > lateThresholdNanos) {
                late++;
            }
        }
    }
}
