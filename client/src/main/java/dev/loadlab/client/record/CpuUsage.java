package dev.loadlab.client.record;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
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

    /** A reading at one moment; {@link #until} turns two into a {@link CpuUsage}. */
    public record Reading(long nanoTime, long processCpuNanos, long machineBusyTicks, long machineStealTicks,
                          long machineTotalTicks) {

        public static Reading now() {
            long[] machine = readMachineTicks();
            return new Reading(System.nanoTime(), readProcessCpuNanos(), machine[0], machine[1], machine[2]);
        }

        public CpuUsage until(Reading end) {
            long total = end.machineTotalTicks - machineTotalTicks;
            boolean known = machineTotalTicks >= 0 && end.machineTotalTicks >= 0 && total > 0;
            OptionalDouble busy = known
                    ? OptionalDouble.of((end.machineBusyTicks - machineBusyTicks) / (double) total)
                    : OptionalDouble.empty();
            OptionalDouble steal = known
                    ? OptionalDouble.of((end.machineStealTicks - machineStealTicks) / (double) total)
                    : OptionalDouble.empty();
            return new CpuUsage(Math.max(0, end.processCpuNanos - processCpuNanos),
                    Math.max(0, end.nanoTime - nanoTime), Runtime.getRuntime().availableProcessors(), busy, steal);
        }

        private static long readProcessCpuNanos() {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                return Math.max(0, os.getProcessCpuTime());
            }
            return 0;
        }

        /** Busy, steal and total jiffies of all cores from the first line of {@code /proc/stat}; -1s when unknown. */
        private static long[] readMachineTicks() {
            try {
                String cpu = Files.readAllLines(Path.of("/proc/stat")).getFirst();
                String[] fields = cpu.trim().split("\\s+");
                long total = 0;
                long idle = 0;
                long steal = fields.length > 8 ? Long.parseLong(fields[8]) : 0;
                // cpu user nice system idle iowait irq softirq steal (guest time is already in user)
                for (int i = 1; i < Math.min(fields.length, 9); i++) {
                    long ticks = Long.parseLong(fields[i]);
                    total += ticks;
                    if (i == 4 || i == 5) {
                        idle += ticks;
                    }
                }
                return new long[] {total - idle, steal, total};
            } catch (IOException | RuntimeException unavailable) {
                return new long[] {-1, -1, -1};
            }
        }
    }
}
