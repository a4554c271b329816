package dev.loadlab.suite.run;

import dev.loadlab.client.record.MachineTicks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The CPU that HotSpot's JIT compiler threads of some processes use, from Linux's {@code
 * /proc/<pid>/task/<tid>/stat}: the threads HotSpot names {@code C1 CompilerThreadN} and {@code
 * C2 CompilerThreadN}, which the kernel keeps as their first 15 characters ({@code C2
 * CompilerThre}). A warm-up is done when these have gone quiet: the compiled code is then what
 * the runs will execute, and the compilers no longer take CPU from the figures.
 *
 * <p>Read per thread, so that a compiler thread HotSpot stops between two readings (it adds and
 * removes them as its queue grows and empties, on machines with more cores) takes only its own
 * last stretch with it, never another thread's CPU or a negative difference.
 */
final class CompilerThreads {
    private static final String[] PREFIXES = {"C1 CompilerThre", "C2 CompilerThre"};

    /** The compiler threads' CPU so far, in jiffies, by thread ({@code /proc/<pid>/task/<tid>}). */
    record Reading(Map<Path, Long> jiffiesByThread) {
        /** CPU seconds the compiler threads used since {@code earlier}; a thread new since then counts whole. */
        double cpuSecondsSince(Reading earlier) {
            long jiffies = 0;
            for (Map.Entry<Path, Long> thread : jiffiesByThread.entrySet()) {
                jiffies += Math.max(0, thread.getValue() - earlier.jiffiesByThread.getOrDefault(thread.getKey(), 0L));
            }
            return jiffies / (double) MachineTicks.PER_SECOND;
        }
    }

    private CompilerThreads() {
    }

    /** The compiler threads of these processes now; none for a process that has ended, or off Linux. */
    static Reading read(Collection<Long> pids) {
        Map<Path, Long> jiffies = new HashMap<>();
        for (long pid : pids) {
            try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
                tasks.forEach(task -> {
                    String stat = stat(task);
                    if (isCompiler(stat)) {
                        String[] fields = ProcStat.fieldsOf(stat);
                        jiffies.put(task, Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3])); // utime, stime
                    }
                });
            } catch (IOException | RuntimeException endedOrNotLinux) {
                // counts nothing for it
            }
        }
        return new Reading(Map.copyOf(jiffies));
    }

    /** A thread's stat line; empty if it has ended since it was listed. */
    private static String stat(Path task) {
        try {
            return Files.readString(task.resolve("stat"));
        } catch (IOException ended) {
            return "";
        }
    }

    private static boolean isCompiler(String stat) {
        if (stat.indexOf('(') < 0) {
            return false;
        }
        String command = ProcStat.commandOf(stat);
        return Arrays.stream(PREFIXES).anyMatch(command::startsWith);
    }
}
