package dev.loadlab.client.record;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The CPU the client used over a run's measured window, and whether its CPU says the client
 * rather than the server may have been the limit.
 *
 * <p>The client's CPU says it was the limit when either
 * <ul>
 *   <li>it used at least {@value #SATURATED_FRACTION} of all the machine's cores over the
 *       window (it could not have gone faster), or</li>
 *   <li>the whole machine was at least {@value #SATURATED_FRACTION} busy (from
 *       {@code /proc/stat}, where available) and the client used at least half of that
 *       busy time (the client, not the server, took most of the contended CPU).</li>
 * </ul>
 * The run's verdict adds the open loop's schedule keeping to this ({@code ResultDocument.ClientLimit}).
 *
 * <p>On a virtual machine, <b>steal</b> is the time the hypervisor ran other machines while this
 * one's cores had work: every figure of the window ran on less CPU than it seems. A run with at
 * least {@value #DISTURBED_STEAL_FRACTION} of steal is {@linkplain #disturbed() disturbed}.
 *
 * @param clientCpuNanos  CPU time of the client process over the window (all threads, user + system)
 * @param windowNanos     wall-clock length of the window
 * @param cores           {@code availableProcessors()}
 * @param machineBusy     fraction of all cores busy over the window, any process; empty when unknown
 * @param machineSteal    fraction of all cores' time stolen by the hypervisor over the window; empty when unknown
 */
public record CpuUsage(long clientCpuNanos, long windowNanos, int cores, OptionalDouble machineBusy,
                       OptionalDouble machineSteal) {
    public static final double SATURATED_FRACTION = 0.9;
    public static final double DISTURBED_STEAL_FRACTION = 0.05;

    /** Client CPU time / (window × cores), in [0, 1]: the client's share of the machine's CPU. */
    public double clientUtilization() {
        return windowNanos <= 0 ? 0 : Math.min(1, clientCpuNanos / ((double) windowNanos * cores));
    }

    /** The share of the machine's CPU that everything but the client used (machine busy − client); empty when unknown. */
    public OptionalDouble foreignUtilization() {
        return machineBusy.isPresent()
                ? OptionalDouble.of(Math.max(0, machineBusy.getAsDouble() - clientUtilization()))
                : OptionalDouble.empty();
    }

    /** Why the client's CPU says it was the limit, one sentence per reason; empty when it does not. */
    public List<String> limitReasons() {
        double client = clientUtilization();
        if (client >= SATURATED_FRACTION) {
            return List.of(String.format(Locale.ROOT, "client used %.0f%% of the machine's cores", client * 100));
        }
        if (machineBusy.isPresent()) {
            double machine = machineBusy.getAsDouble();
            if (machine >= SATURATED_FRACTION && client >= machine / 2) {
                return List.of(String.format(Locale.ROOT,
                        "the machine was %.0f%% busy and the client used %.0f%% of the cores, most of it",
                        machine * 100, client * 100));
            }
        }
        return List.of();
    }

    /** True when {@link #limitReasons} names any reason. */
    public boolean saturated() {
        return !limitReasons().isEmpty();
    }

    /** True when the hypervisor took at least {@value #DISTURBED_STEAL_FRACTION} of the machine's CPU. */
    public boolean disturbed() {
        return machineSteal.isPresent() && machineSteal.getAsDouble() >= DISTURBED_STEAL_FRACTION;
    }

    /**
     * A reading at one moment; {@link #until} turns two into a {@link CpuUsage}.
     *
     * @param machine the machine's ticks ({@code /proc/stat}); empty where unknown
     */
    public record Reading(long nanoTime, long processCpuNanos, Optional<MachineTicks> machine) {

        public static Reading now() {
            return new Reading(System.nanoTime(), readProcessCpuNanos(), MachineTicks.read());
        }

        /**
         * The usage from this reading to {@code end}. The machine counts as busy while its cores ran
         * anything or the hypervisor ran other machines on them (steal): either way this one waited.
         */
        public CpuUsage until(Reading end) {
            OptionalDouble busy = OptionalDouble.empty();
            OptionalDouble steal = OptionalDouble.empty();
            if (machine.isPresent() && end.machine.isPresent()) {
                MachineTicks window = end.machine.get().since(machine.get());
                if (window.total() > 0) {
                    busy = OptionalDouble.of((window.busy() + window.steal()) / (double) window.total());
                    steal = OptionalDouble.of(window.steal() / (double) window.total());
                }
            }
            return new CpuUsage(Math.max(0, end.processCpuNanos - processCpuNanos),
                    Math.max(0, end.nanoTime - nanoTime), Runtime.getRuntime().availableProcessors(), busy, steal);
        }

        private static long readProcessCpuNanos() {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                return Math.max(0, os.getProcessCpuTime());
            }
            return 0;
        }
    }
}
