package dev.loadlab.client.load;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The open loop: one scheduler thread sends request i when it is due, whether or not
 * earlier requests were answered.
 *
 * <p>Each exchange carries its intended send time (its slot in the timetable) and its
 * actual one. When the generator is late (a GC pause, a busy CPU, a slow send) the request
 * goes at once and the lag stays visible: in the dispatch-lag histogram, and in the latency
 * from intended time, which is the one a user waiting at that moment would have seen. No
 * request is ever skipped: a run sends exactly the requests its timetable holds.
 *
 * <p>The scheduler hands each request to the HTTP client itself. That costs it tens of
 * microseconds per request (more while the client opens a connection), which bounds the
 * rate one scheduler can keep; beyond it the lag shows in the dispatch-lag histogram and the
 * output says the generator fell behind. (Handing over on a virtual thread per request was
 * tried: under a server stall the hand-overs themselves queued for hundreds of
 * milliseconds, so it was no better at keeping time.)
 *
 * <p><b>Threads.</b> {@link #run} is called by the driving thread; it starts the scheduler
 * (a platform thread of its own) and joins it. Failures are recorded on the HTTP client's
 * completion threads.
 */
final class OpenLoopDriver {
    private final HttpTarget target;
    private final Ledger ledger;
    private final LoadShape.OpenLoop openLoop;
    private final long startNanos;
    private final long warmupNanos;
    private final long measuredEndOffsetNanos;
    private final long requestLimit;
    private final long lateThresholdNanos;
    private long measuredSent;
    private long firstDueNanos;
    private long lastSentNanos;
    private long lateRequests;

    OpenLoopDriver(HttpTarget target, Ledger ledger, LoadShape.OpenLoop openLoop, long startNanos,
                   long warmupNanos, StopCondition stop) {
        this.target = target;
        this.ledger = ledger;
        this.openLoop = openLoop;
        this.startNanos = startNanos;
        this.warmupNanos = warmupNanos;
        this.measuredEndOffsetNanos = stop.duration().map(d -> warmupNanos + d.toNanos()).orElse(Long.MAX_VALUE);
        this.requestLimit = stop.requests().orElse(Long.MAX_VALUE);
        this.lateThresholdNanos = lateThresholdNanos(openLoop.rateHz());
    }

    /**
     * A request counts as late when it leaves more than one mean inter-arrival gap after its
     * slot, and never for less than a millisecond (the timer slack of a parked thread).
     */
    static long lateThresholdNanos(double rateHz) {
        return Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.round(1e9 / rateHz));
    }

    /** Sends the whole timetable; returns when the last measured request has been sent. */
    ScheduleOutcome run() throws InterruptedException {
        Thread scheduler = Thread.ofPlatform().name("open-loop-scheduler").unstarted(this::sendOnSchedule);
        scheduler.setPriority(Thread.MAX_PRIORITY);
        scheduler.start();
        scheduler.join(); // the join publishes the scheduler's counters to this thread
        long lastSent = lastSentNanos;
        double achievedRateHz = measuredSent > 1 && lastSent > firstDueNanos
                ? (measuredSent - 1) * 1e9 / (lastSent - firstDueNanos)
                : 0;
        return new ScheduleOutcome(openLoop.rateHz(), openLoop.arrival(), measuredSent,
                measuredSent == 0 ? 0 : lastSent - firstDueNanos, achievedRateHz,
                lateThresholdNanos, lateRequests, lastSent);
    }

    private void sendOnSchedule() {
        ArrivalSchedule schedule = ArrivalSchedule.of(openLoop);
        while (true) {
            long offsetNanos = schedule.nextOffsetNanos();
            boolean measured = offsetNanos >= warmupNanos;
            if (measured && (measuredSent >= requestLimit || offsetNanos >= measuredEndOffsetNanos)) {
                return;
            }
            long dueNanos = startNanos + offsetNanos;
            long now = System.nanoTime();
            while (now < dueNanos) {
                LockSupport.parkNanos(dueNanos - now);
                now = System.nanoTime();
            }
            if (measured && measuredSent++ == 0) {
                firstDueNanos = dueNanos;
            }
            Exchange exchange = new Exchange(dueNanos, now, measured, ledger);
            ledger.dispatched(exchange);
            target.send(exchange).whenComplete((answer, failure) -> {
                if (failure != null) {
                    ledger.failed(exchange, failure, System.nanoTime());
                }
            });
            if (measured) {
                lastSentNanos = now;
                if (now - dueNanos > lateThresholdNanos) {
                    lateRequests++;
                }
            }
        }
    }
}
