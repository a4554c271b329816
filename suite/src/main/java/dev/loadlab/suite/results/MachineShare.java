package dev.loadlab.suite.results;

import java.util.Locale;

/**
 * The machine during one run's measured window: how busy it was, how much of that the suite's own
 * processes used (client, servers, balancer, the suite itself), what everything else used (the
 * <b>foreign</b> CPU), and what the hypervisor stole. A run is <b>disturbed</b> when the foreign
 * CPU exceeds {@value #FOREIGN_CORES_LIMIT} of a core or the steal {@value #STEAL_LIMIT} of the
 * machine: its figures are not the servers' behaviour alone.
 *
 * @param windowSeconds the measured window's length
 * @param busyCores     the machine's busy CPU over the window, in cores (busy seconds / window seconds)
 * @param ownCores      the suite's processes' CPU over the window, in cores
 * @param foreignCores  busy minus own, in cores, never below zero
 * @param stealFraction the hypervisor's steal, a fraction of all cores' time
 */
public record MachineShare(double windowSeconds, double busyCores, double ownCores, double foreignCores,
                           double stealFraction) {
    /** More foreign CPU than this, in cores, disturbs a run: a tenth of a core. */
    public static final double FOREIGN_CORES_LIMIT = 0.1;
    /** More steal than this, a fraction of the machine, disturbs a run (as the client judges it). */
    public static final double STEAL_LIMIT = 0.05;

    public static MachineShare of(double windowSeconds, double busyCpuSeconds, double ownCpuSeconds,
            double stealFraction) {
        double busy = busyCpuSeconds / windowSeconds;
        double own = ownCpuSeconds / windowSeconds;
        return new MachineShare(windowSeconds, busy, own, Math.max(0, busy - own), stealFraction);
    }

    public boolean disturbed() {
        return foreignCores > FOREIGN_CORES_LIMIT || stealFraction > STEAL_LIMIT;
    }

    /** Why it is disturbed, with the figures, e.g. "foreign CPU 0.42 cores"; empty when it is not. */
    public String disturbance() {
        StringBuilder why = new StringBuilder();
        if (foreignCores > FOREIGN_CORES_LIMIT) {
            why.append(String.format(Locale.ROOT, "foreign CPU %.2f cores", foreignCores));
        }
        if (stealFraction > STEAL_LIMIT) {
            why.append(why.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "steal %.0f%%", stealFraction * 100));
        }
        return why.toString();
    }
}
