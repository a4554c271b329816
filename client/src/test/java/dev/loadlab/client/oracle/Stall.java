package dev.loadlab.client.oracle;

/**
 * The oracle's one stall: from the arrival of request {@code atRequest} (counted from 0, in
 * arrival order, warm-up included) for {@code nanos}, no answer leaves the server. An answer
 * due strictly inside that window leaves at its end; requests keep arriving and their service
 * time keeps running meanwhile, as the I/O of a server stopped by a pause would.
 */
public record Stall(long atRequest, long nanos) {
    /** No stall at all. */
    public static final Stall NONE = new Stall(Long.MAX_VALUE, 0);

    public Stall {
        if (atRequest < 0 || nanos < 0) {
            throw new IllegalArgumentException("a stall needs a request index >= 0 and a length >= 0, got "
                    + atRequest + " and " + nanos + " ns");
        }
    }

    /**
     * When an answer due at {@code dueNanos} leaves, for a stall from {@code startNanos} to
     * {@code endNanos} (both {@link Long#MAX_VALUE} while it has not started).
     */
    static long answerNanos(long dueNanos, long startNanos, long endNanos) {
        return dueNanos > startNanos && dueNanos < endNanos ? endNanos : dueNanos;
    }
}
