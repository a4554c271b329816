package dev.loadlab.balancer.backend;

/**
 * Passive ejection: after {@code consecutiveFailures} connect failures or 5xx answers in a row, a
 * backend gets no new requests for {@code baseMillis}, doubled at each further ejection up to
 * {@code maxMillis} (as Envoy's outlier detection). A success resets the failure count.
 */
public record EjectionPolicy(int consecutiveFailures, long baseMillis, long maxMillis) {

    /** How long the given ejection (1 for the first) lasts. */
    public long durationMillis(int ejection) {
        int doublings = Math.min(ejection - 1, 30);
        return Math.min(maxMillis, baseMillis << doublings);
    }
}
