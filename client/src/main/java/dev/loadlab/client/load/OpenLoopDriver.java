package dev.loadlab.client.load;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The open loop, as wrk2 runs it: a fixed number of connections, each served by one
 * {@link Sender}, all sharing one timetable. A free sender claims the next request of the
 * timetable, parks until it is due if it is early, sends it and waits for its outcome.
 *
 * <p>Each exchange carries its intended send time (its slot) and its actual one. When every
 * connection is busy (a slow or stalled server, or too few connections for the rate), due
 * requests wait for a free sender: they leave late, the lag shows in the dispatch-lag
 * histogram and in the latency from intended time (what a user arriving at that slot
 * waited), so a stall is never hidden (no coordinated omission), and the output says the
 * generator fell behind. No request is ever skipped: a run sends exactly the requests its
 * timetable holds, late if need be.
 *
 * <p><b>Threads.</b> The driving thread constructs it, starts the senders and, once they
 * have all ended, reads {@link #outcome}. {@link #claim} is called by every sender under
 * this object's lock (claims are in timetable order, so the seeded Poisson timetable is the
 * same whichever sender claims what); the per-sender arrays are written by their own
 * sender only.
 */
final class OpenLoopDriver {
    private final LoadShape.OpenLoop openLoop;
    private final ArrivalSchedule schedule;
    private final long startNanos;
    private final long warmupNanos;
    private final long measuredEndOffsetNanos;
    private final long requestLimit;
    private final long lateThresholdNanos;
    private final long[] lastSentBySender;
    private final long[] lateBySender;
    /** Guarded by this. */
    private long measuredClaimed;
    private long firstDueOffsetNanos;
    private long lastDueOffsetNanos;
    private boolean exhausted;

    OpenLoopDriver(LoadShape.OpenLoop openLoop, long startNanos, long warmupNanos, StopCondition stop) {
        this.openLoop = openLoop;
        this.schedule = ArrivalSchedule.of(openLoop);
        this.startNanos = startNanos;
        this.warmupNanos = warmupNanos;
        this.measuredEndOffsetNanos = stop.duration().map(d -> warmupNanos + d.toNanos()).orElse(Long.MAX_VALUE);
        this.requestLimit = stop.requests().orElse(Long.MAX_VALUE);
        this.lateThresholdNanos = lateThresholdNanos(openLoop.rateHz());
        this.lastSentBySender = new long[openLoop.connections()];
        this.lateBySender = new long[openLoop.connections()];
        Arrays.fill(lastSentBySender, Long.MIN_VALUE);
    }

    /**
     * A request counts as late when it leaves more than one mean inter-arrival gap after its
     * slot, and never for less than a millisecond (the timer slack of a parked thread).
     */
    static long lateThresholdNanos(double rateHz) {
        return Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.round(1e9 / rateHz));
    }

    void start(SenderGroup senders) {
        senders.start("open-loop-connection-", this::work);
    }

    /** How the timetable was kept; call once every sender has ended. */
    synchronized ScheduleOutcome outcome() {
        long lastSent = Long.MIN_VALUE;
        long late = 0;
        for (int i = 0; i < lastSentBySender.length; i++) {
            lastSent = Math.max(lastSent, lastSentBySender[i]);
            late += lateBySender[i];
        }
        long firstDue = startNanos + firstDueOffsetNanos;
        long window = measuredClaimed == 0 ? 0 : Math.max(0, lastSent - firstDue);
        double achievedRateHz = measuredClaimed > 1 && window > 0 ? (measuredClaimed - 1) * 1e9 / window : 0;
        return new ScheduleOutcome(openLoop.rateHz(), openLoop.arrival(), measuredClaimed, window, achievedRateHz,
                lateThresholdNanos, late, measuredClaimed == 0 ? System.nanoTime() : lastSent,
                openLoop.connections(), lastDueOffsetNanos - firstDueOffsetNanos);
    }

    private void work(Sender sender, int index) {
        while (true) {
            long offsetNanos = claim();
            if (offsetNanos < 0) {
                return;
            }
            long dueNanos = startNanos + offsetNanos;
            long now = System.nanoTime();
            while (now < dueNanos) {
                LockSupport.parkNanos(dueNanos - now);
                now = System.nanoTime();
            }
            boolean measured = offsetNanos >= warmupNanos;
            if (measured) {
                lastSentBySender[index] = now;
                if (now - dueNanos > lateThresholdNanos) {
                    lateBySender[index]++;
                }
            }
            sender.send(dueNanos, now, measured);
        }
    }

    /** The next slot's offset from the start, or -1 once the timetable is exhausted. */
    private synchronized long claim() {
        if (exhausted) {
            return -1;
        }
        long offsetNanos = schedule.nextOffsetNanos();
        if (offsetNanos >= warmupNanos) {
            if (measuredClaimed >= requestLimit || offsetNanos >= measuredEndOffsetNanos) {
                exhausted = true;
                return -1;
            }
            if (measuredClaimed++ == 0) {
                firstDueOffsetNanos = offsetNanos;
            }
            lastDueOffsetNanos = offsetNanos;
        }
        return offsetNanos;
    }
}
