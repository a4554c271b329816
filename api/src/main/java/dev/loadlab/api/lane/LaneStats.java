package dev.loadlab.api.lane;

/**
 * A consistent snapshot of one lane's counters, taken under the lane's lock, so that always
 * {@code received == completed + rejected + shed + cancelled + inService + queued}.
 *
 * @param received  requests offered to the lane
 * @param completed requests that left service
 * @param rejected  newcomers turned away because the queue was full ({@code queue_full})
 * @param shed      waiters given up on ({@code queue_timeout})
 * @param cancelled waiters removed because their client went away
 * @param inService requests in service now
 * @param queued    requests waiting now
 * @param maxQueued the longest the queue has been
 * @param congested whether every request that entered service in the last CoDel interval had
 *                  waited longer than the CoDel target (see {@link Lane})
 */
public record LaneStats(
        Discipline discipline,
        LaneSettings settings,
        long received,
        long completed,
        long rejected,
        long shed,
        long cancelled,
        int inService,
        int queued,
        int maxQueued,
        boolean congested) {

    public boolean idle() {
        return inService == 0 && queued == 0;
    }
}
