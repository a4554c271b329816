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
     * The share of the run's latency p99 up to which the dispatch lag cannot make the run's
     * figures the client's rather than the server's (see {@link #limitReasons}).
     */
    public static final double IMMATERIAL_LAG_SHARE = 0.1;

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

    /**
     * Why the schedule keeping makes the run's figures the client's rather than the server's:
     * the timetable's rate not kept, or a dispatch-lag p99 over the late threshold and also over
     * {@value #IMMATERIAL_LAG_SHARE} of the run's latency p99 ({@code latencyP99Nanos}, from the
     * intended send times). Every latency is measured from its slot, so the lag is inside it;
     * a lag p99 within a tenth of the latency p99 moves that p99 by about that share at most,
     * and leaves the figure the server's. Being behind the threshold alone is still reported
     * ({@link #behind}, the late requests), and is still a fact about the generator.
     */
    public List<String> limitReasons(double dispatchLagP99Nanos, double latencyP99Nanos) {
        long share = Math.round(IMMATERIAL_LAG_SHARE * latencyP99Nanos);
        if (share <= lateThresholdNanos) {
            return behindReasons(dispatchLagP99Nanos);
        }
        return behindReasons(dispatchLagP99Nanos, share, String.format(Locale.ROOT,
                "tolerance, a tenth of the latency p99 (%.1f ms)", latencyP99Nanos / 1e6));
    }

    /** True when {@link #behindReasons} names any reason. */
    public boolean behind(double dispatchLagP99Nanos) {
        return !behindReasons(dispatchLagP99Nanos).isEmpty();
    }
}
