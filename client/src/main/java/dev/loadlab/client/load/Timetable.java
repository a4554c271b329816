package dev.loadlab.client.load;

import java.util.ArrayList;
import java.util.List;

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
 * <p><b>A fleet.</b> Under {@code --generator I/N} the slots are those of the one timetable the
 * whole fleet shares (the full {@code --rate}, the same seed), and this generator claims only
 * its own ({@link Generator#owns}): every N-th, from slot I. Where the timetable ends (the
 * duration, or the fleet's {@code --requests} measured slots) is decided on the shared slots, so
 * the union of the N generators' slots is exactly the timetable of one generator alone. The
 * late threshold is the shared timetable's, so that "late" means the same in every generator
 * and in their merge; the outcome's target rate and connections are this generator's share.
 *
 * <p>Two ways to claim: {@link #claimNext} takes the next slot whenever it is due (the jdk
 * transport's sender then parks until it is), {@link #claimDue} only a slot already due (the
 * netty transport's event loops, which wake at most once per grid step and at every answer).
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
    /** Moves a warm-up slot out of the measured first and last slots' min and max (a few years of nanoseconds). */
    private static final long WARMUP_OFFSET_NANOS = Long.MAX_VALUE / 4;
    private static final long DEFAULT_GRID_NANOS = LoadSettings.DEFAULT_WAKE_GRID.toNanos();

    private final LoadShape.OpenLoop openLoop;
    private final Generator generator;
    private final ArrivalSchedule schedule;
    private final long startNanos;
    private final long warmupNanos;
    private final long measuredEndOffsetNanos;
    private final long requestLimit;
    private final long wakeGridNanos;
    private final long lateThresholdNanos;
    /** Guarded by this. */
    private final List<SendLog> sendLogs = new ArrayList<>();
    /** This generator's next slot: its offset and its index in the shared timetable. */
    private long pendingOffsetNanos;
    private long pendingSlot = -1;
    /** Measured slots of the shared timetable before the pending one, whoever sends them. */
    private long sharedMeasuredBefore;
    private long measuredClaimed;
    private long firstDueOffsetNanos = Long.MAX_VALUE;
    private long lastDueOffsetNanos = Long.MIN_VALUE / 2;
    private boolean exhausted;

    /**
     * @param openLoop      the fleet's open loop: its full rate, arrival, seed and connections
     * @param generator     which slots are this one's ({@link Generator#ALONE}: all)
     * @param wakeGridNanos the step of the netty transport's wake-up grid (see {@link #lateThresholdNanos})
     */
    public Timetable(LoadShape.OpenLoop openLoop, Generator generator, long startNanos, long warmupNanos,
                     StopCondition stop, long wakeGridNanos) {
        this.openLoop = openLoop;
        this.generator = generator;
        this.schedule = ArrivalSchedule.of(openLoop);
        this.startNanos = startNanos;
        this.warmupNanos = warmupNanos;
        this.measuredEndOffsetNanos = stop.duration().map(d -> warmupNanos + d.toNanos()).orElse(Long.MAX_VALUE);
        this.requestLimit = stop.requests().orElse(Long.MAX_VALUE);
        this.wakeGridNanos = wakeGridNanos;
        this.lateThresholdNanos = lateThresholdNanos(openLoop.rateHz(), wakeGridNanos);
        // Before slot 0 there is no slot to count: an offset this far before the warm-up counts as none.
        this.pendingOffsetNanos = Long.MIN_VALUE / 2;
        moveToOwnSlot();
    }

    /**
     * A request counts as late when it leaves more than one mean inter-arrival gap after the
     * moment the open loop means to send it: its slot, or up to one grid step after it, at the
     * next wake-up of the netty transport's grid (1 ms unless {@code --wake-grid}), which every
     * slot of a uniform timetable more than one slot per step waits for, and any slot of a
     * Poisson one that follows its predecessor within a step (a parked virtual thread's timer
     * slack, the jdk transport's, is within the default millisecond). A threshold of the grid
     * alone would call a generator that keeps the grid exactly late. A grid finer than the
     * default keeps the default's millisecond: it shortens the lag, and "late" keeps one meaning.
     */
    static long lateThresholdNanos(double rateHz, long wakeGridNanos) {
        return Math.max(wakeGridNanos, DEFAULT_GRID_NANOS) + Math.round(1e9 / rateHz);
    }

    /** The step of the wake-up grid the late threshold allows for: the netty open loop's timer step. */
    public long wakeGridNanos() {
        return wakeGridNanos;
    }

    /** {@link System#nanoTime} of slot 0. */
    public long startNanos() {
        return startNanos;
    }

    /** The phase of the slot at {@code offsetNanos}: {@link Ledger#WARMUP} or {@link Ledger#MEASURED}. */
    public int phase(long offsetNanos) {
        return Ledger.phase(offsetNanos - warmupNanos);
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
            lastSent = Math.max(lastSent, log.lastSentNanos[Ledger.MEASURED]);
            late += log.late[Ledger.MEASURED];
        }
        double targetRateHz = openLoop.rateHz() / generator.count();
        int connections = generator.share(openLoop.connections());
        if (measuredClaimed == 0) {
            return new ScheduleOutcome(targetRateHz, openLoop.arrival(), 0, 0, 0, lateThresholdNanos, late,
                    connections, 0);
        }
        long window = Math.max(0, lastSent - (startNanos + firstDueOffsetNanos));
        double achievedRateHz = measuredClaimed > 1 && window > 0 ? (measuredClaimed - 1) * 1e9 / window : 0;
        return new ScheduleOutcome(targetRateHz, openLoop.arrival(), measuredClaimed, window, achievedRateHz,
                lateThresholdNanos, late, connections, lastDueOffsetNanos - firstDueOffsetNanos);
    }

    /**
     * Whether the pending slot is past the end of the shared timetable. Written so that no branch flips between the
     * warm-up and the measured phase (the JIT would recompile the hot loop at the measured start).
     */
    private boolean exhaustedNow() {
        if (!exhausted && (pendingOffsetNanos >= measuredEndOffsetNanos
                || sharedMeasuredBefore >= requestLimit && pendingOffsetNanos >= warmupNanos)) {
            exhausted = true;
        }
        return exhausted;
    }

    /** Claims the pending slot; the measured phase's bookkeeping is arithmetic on its phase, not a branch. */
    private long take() {
        long offsetNanos = pendingOffsetNanos;
        long warmup = Ledger.phase(offsetNanos - warmupNanos); // 1 for a warm-up slot, else 0
        measuredClaimed += 1 - warmup;
        firstDueOffsetNanos = Math.min(firstDueOffsetNanos, offsetNanos + warmup * WARMUP_OFFSET_NANOS);
        lastDueOffsetNanos = Math.max(lastDueOffsetNanos, offsetNanos - warmup * WARMUP_OFFSET_NANOS);
        moveToOwnSlot();
        return offsetNanos;
    }

    /**
     * Moves the pending slot to this generator's next one, counting every measured slot of the
     * shared timetable it leaves behind (its own and the other generators'). Alone, one step.
     */
    private void moveToOwnSlot() {
        do {
            sharedMeasuredBefore += 1 - Ledger.phase(pendingOffsetNanos - warmupNanos);
            pendingOffsetNanos = schedule.nextOffsetNanos();
            pendingSlot++;
        } while (!generator.owns(pendingSlot));
    }

    /**
     * How one sending thread kept the timetable, by phase: its late sends and its last send.
     * Written by that thread only, read by {@link #outcome} once it has ended.
     */
    public static final class SendLog {
        private final long lateThresholdNanos;
        private final long[] lastSentNanos = {Long.MIN_VALUE, Long.MIN_VALUE};
        private final long[] late = new long[2];

        private SendLog(long lateThresholdNanos) {
            this.lateThresholdNanos = lateThresholdNanos;
        }

        /** A request of {@code phase} due at {@code dueNanos} left at {@code sentNanos}. */
        public void sent(int phase, long dueNanos, long sentNanos) {
            lastSentNanos[phase] = sentNanos;
            late[phase] += (lateThresholdNanos - (sentNanos - dueNanos)) >>> 63; // 1 when later than the threshold
        }
    }
}
