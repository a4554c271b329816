package dev.loadlab.api.work;

/**
 * Real computation for a given time on the calling thread, which the JIT cannot remove: each round
 * feeds the next, and the result is published to a volatile field.
 */
public final class CpuWork {
    /** Rounds between clock reads: a few microseconds of work, so the deadline is kept closely. */
    private static final int ROUNDS_PER_CHECK = 1024;

    @SuppressWarnings("unused") // written so that the computation has an observable effect
    private static volatile long sink;

    private CpuWork() {
    }

    /** Computes until {@code millis} of wall time have passed on this thread. */
    public static void burn(long millis) {
        if (millis <= 0) {
            return;
        }
        long deadline = System.nanoTime() + millis * 1_000_000;
        long state = System.nanoTime() | 1;
        do {
            for (int i = 0; i < ROUNDS_PER_CHECK; i++) {
                // xorshift64: cheap, data-dependent, impossible to fold away
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
            }
        } while (System.nanoTime() < deadline);
        sink = state;
    }
}
