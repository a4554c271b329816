package dev.loadlab.client.record;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The whole machine's CPU time so far, from the first line of {@code /proc/stat}, in jiffies
 * (USER_HZ, 100 per second on Linux): what every process used, and what the hypervisor stole.
 *
 * <p>{@code busy} counts user, nice, system, irq and softirq time; guest time is already inside
 * user time. Without irq-time accounting (the usual kernel configuration) the kernel also
 * charges softirq time to the process it interrupted, so that a process's own CPU time includes
 * the loopback network work it caused, and {@code busy} minus the CPU of the processes one
 * watches is what everything else used: measured here, 0.06 of a core on an otherwise quiet
 * machine under a loopback load of 40k requests/s.
 *
 * @param busy  jiffies all cores spent running anything
 * @param steal jiffies the hypervisor ran other machines while this one's cores had work
 * @param total all jiffies of all cores: busy, idle, iowait and steal
 */
public record MachineTicks(long busy, long steal, long total) {
    /** Jiffies per second of {@code /proc/stat} (USER_HZ): 100 on every Linux that matters here. */
    public static final int PER_SECOND = 100;
    private static final Path PROC_STAT = Path.of("/proc/stat");

    /** Now; empty where {@code /proc/stat} cannot be read (not Linux). */
    public static Optional<MachineTicks> read() {
        try {
            List<String> lines = Files.readAllLines(PROC_STAT);
            return Optional.of(parse(lines.getFirst()));
        } catch (IOException | RuntimeException unavailable) {
            return Optional.empty();
        }
    }

    /** The aggregate {@code cpu} line: user nice system idle iowait irq softirq steal [guest guest_nice]. */
    static MachineTicks parse(String cpuLine) {
        String[] fields = cpuLine.trim().split("\\s+");
        if (!fields[0].equals("cpu") || fields.length < 5) {
            throw new IllegalArgumentException("not the cpu line of /proc/stat: " + cpuLine);
        }
        long total = 0;
        long idle = 0;
        long steal = 0;
        for (int i = 1; i < Math.min(fields.length, 9); i++) {
            long ticks = Long.parseLong(fields[i]);
            total += ticks;
            if (i == 4 || i == 5) {
                idle += ticks;
            } else if (i == 8) {
                steal = ticks;
            }
        }
        return new MachineTicks(total - idle - steal, steal, total);
    }

    /** What happened between {@code earlier} and this reading. */
    public MachineTicks since(MachineTicks earlier) {
        return new MachineTicks(busy - earlier.busy, steal - earlier.steal, total - earlier.total);
    }
}
