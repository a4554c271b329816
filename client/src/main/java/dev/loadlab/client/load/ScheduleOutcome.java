package dev.loadlab.client.load;

/**
 * How well the open loop kept its timetable.
 *
 * @param targetRateHz       the requested rate
 * @param sent               measured requests sent (all those the timetable held)
 * @param dispatchWindowNanos from the first measured request's slot to the last actual send
 * @param achievedRateHz     (sent - 1) / dispatch window; 0 with fewer than two requests
 * @param lateThresholdNanos a request sent later than this after its slot counts as late
 * @param lateRequests       measured requests sent later than the threshold
 * @param lastSentNanos      {@link System#nanoTime} of the last measured send
 */
public record ScheduleOutcome(double targetRateHz, LoadShape.Arrival arrival, long sent,
                              long dispatchWindowNanos, double achievedRateHz,
                              long lateThresholdNanos, long lateRequests, long lastSentNanos) {
}
