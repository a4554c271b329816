package dev.loadlab.client.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How well the open loop kept its timetable.
 *
 * @param targetRateHz       the requested rate
 * @param sent               measured requests sent (all those the timetable held)
 * @param dispatchWindowNanos from the first measured request's slot to the last actual send
 * @param achievedRateHz     (sent - 1) / dispatch window; 0 with fewer than two requests
 * @param lateThresholdNanos a request sent later than this after its slot counts as late
 * @param lateRequests       measured requests sent later than the threshold
 * @param connections        the connections that shared the timetable
 * @param scheduledWindowNanos from the first measured request's slot to the last one's
 */
public record ScheduleOutcome(double targetRateHz, LoadShape.Arrival arrival, long sent,
                              long dispatchWindowNanos, double achievedRateHz,
                              long lateThresholdNanos, long lateRequests,
                              int connections, long scheduledWindowNanos) {

    /** The fraction of the timetable's own rate that must be achieved to keep up. */
    public static final double KEPT_RATE_FRACTION = 0.99;

    /**
     * The rate the timetable itself holds: (sent - 1) / scheduled window. The target for
     * uniform arrivals; a Poisson timetable's own rate differs from the target by chance.
     */
    public double scheduledRateHz() {
        return sent > 1 && scheduledWindowNanos > 0 ? (sent - 1) * 1e9 / scheduledWindowNanos : 0;
    }

    /**
     * Why the generator fell behind its schedule, one sentence per reason; empty when it kept
     * up. It fell behind when the dispatch-lag p99 exceeds the late threshold (more than 1% of
     * the requests left late), or when it achieved less than {@value #KEPT_RATE_FRACTION} of
     * the timetable's own rate (the last requests left more than 1% of the run late).
     */
    public List<String> behindReasons(double dispatchLagP99Nanos) {
        return behindReasons(dispatchLagP99Nanos, lateThresholdNanos, "threshold");
    }

    /**
     * As {@link #behindReasons(double)}, with a dispatch-lag p99 of up to {@code lagToleranceNanos}
     * tolerated instead of the late threshold; {@code tolerance} names it in the sentence.
     */
    public List<String> behindReasons(double dispatchLagP99Nanos, long lagToleranceNanos, String tolerance) {
        List<String> reasons = new ArrayList<>(2);
        if (sent > 1 && achievedRateHz < KEPT_RATE_FRACTION * scheduledRateHz()) {
            reasons.add(String.format(Locale.ROOT, "behind schedule: %,.0f of %,.0f req/s",
                    achievedRateHz, scheduledRateHz()));
        }
        if (dispatchLagP99Nanos > lagToleranceNanos) {
            reasons.add(String.format(Locale.ROOT, "dispatch-lag p99 %.1f ms over the %.1f ms %s",
                    dispatchLagP99Nanos / 1e6, lagToleranceNanos / 1e6, tolerance));
        }
        return reasons;
    }

    /** True when {@link #behindReasons} names any reason. */
    public boolean behind(double dispatchLagP99Nanos) {
        return !behindReasons(dispatchLagP99Nanos).isEmpty();
    }
}
