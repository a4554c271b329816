package dev.loadlab.suite.run;

import dev.loadlab.client.record.MachineTicks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.stream.Stream;

/**
 * The CPU that HotSpot's JIT compiler threads of some processes have used, from Linux's {@code
 * /proc/<pid>/task/<tid>/stat}: the threads HotSpot names {@code C1 CompilerThreadN} and {@code
 * C2 CompilerThreadN}, which the kernel keeps as their first 15 characters ({@code C2
 * CompilerThre}). A warm-up is done when these have gone quiet: the compiled code is then what
 * the runs will execute, and the compilers no longer take CPU from the figures.
 */
final class CompilerThreads {
    private static final String[] PREFIXES = {"C1 CompilerThre", "C2 CompilerThre"};

    private CompilerThreads() {
    }

    /** CPU seconds the compiler threads of these processes have used so far; 0 for none (ended, or off Linux). */
    static double cpuSeconds(Collection<Long> pids) {
        long jiffies = 0;
        for (long pid : pids) {
            jiffies += jiffies(pid);
        }
        return jiffies / (double) MachineTicks.PER_SECOND;
    }

    private static long jiffies(long pid) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return tasks.map(CompilerThreads::stat).filter(CompilerThreads::isCompiler).mapToLong(stat -> {
                String[] fields = ProcStat.fieldsOf(stat);
                return Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]); // utime, stime
            }).sum();
        } catch (IOException | RuntimeException endedOrNotLinux) {
            return 0;
        }
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
