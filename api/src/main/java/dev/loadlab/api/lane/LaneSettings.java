package dev.loadlab.api.lane;

/**
 * The limits of one lane. Values are validated where they enter (the command line); a lane trusts them.
 *
 * @param workers             requests in service at most
 * @param queueCapacity       requests waiting at most; a newcomer beyond it is rejected ({@code queue_full})
 * @param queueTimeoutMillis  a waiter older than this is shed ({@code queue_timeout}); 0 means never
 * @param codelIntervalMillis the window over which CoDel takes the smallest queueing delay
 * @param codelTargetMillis   the lane is congested while that smallest delay exceeds this; a
 *                            {@link Discipline#CODEL} lane then sheds waiters older than it
 */
public record LaneSettings(
        int workers, int queueCapacity, long queueTimeoutMillis, long codelIntervalMillis, long codelTargetMillis) {
}
