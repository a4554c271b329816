package dev.loadlab.suite.results;

/**
 * One warm-up the suite ran on processes it had just started, before their first measured run.
 *
 * @param target        what the warm-up's load was sent to: a server, or the strategy study's
 *                      balancer (its backends were warmed through it)
 * @param processes     the processes it warmed and whose compilers it watched: the target, and a
 *                      balancer's backends
 * @param seconds       how long the load ran
 * @param compilerCores the JIT compiler threads of the processes warmed, in cores over the
 *                      warm-up's last stretch
 * @param ending        why it ended
 */
public record WarmUp(String target, int processes, double seconds, double compilerCores, Ending ending) {
    /**
     * The JIT's compiler threads of the processes warmed up, in cores over the last stretch of a
     * warm-up, at or under which it has settled: a tenth of a core, a fraction of what a run's
     * server uses (0.3-0.7 cores in the strategy study) and about what a settled JVM's compilers
     * still use now and then.
     */
    public static final double SETTLED_COMPILER_CORES = 0.1;
    /** The stretches a warm-up goes on by while the compilers are busy. */
    public static final int SETTLE_STEP_SECONDS = 2;

    /** Why a warm-up ended. */
    public enum Ending {
        /** The compilers had gone quiet. */
        SETTLED,
        /** {@code --settle-limit} was reached with the compilers still busy. */
        LIMIT,
        /** The fixed warm-up ran out: settling was off ({@code --settle-limit 0}). */
        FIXED,
        /** No warm-up was asked for. */
        NONE
    }
}
