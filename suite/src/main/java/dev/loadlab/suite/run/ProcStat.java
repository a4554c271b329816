package dev.loadlab.suite.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Fields of Linux's {@code /proc/<pid>/stat}. The command name (field 2) may hold spaces and
 * parentheses, so the fields are counted from its last ')': index 0 of {@link #fields} is field
 * 3 (the state), and field N is at index N - 3.
 */
public final class ProcStat {
    private ProcStat() {
    }

    /** The fields after the command name of {@code /proc/<pid>/stat}; empty once it has ended, or off Linux. */
    public static Optional<String[]> fields(long pid) {
        try {
            return Optional.of(fieldsOf(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))));
        } catch (IOException | RuntimeException endedOrNotLinux) {
            return Optional.empty();
        }
    }

    /** The fields after the command name of one {@code stat} line (a process's, or a thread's under {@code task/}). */
    static String[] fieldsOf(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /** The command name (field 2) of one {@code stat} line, without its parentheses. */
    static String commandOf(String stat) {
        return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    }

    /**
     * When the process started, in clock ticks since boot (field 22). Unlike {@code
     * ProcessHandle.Info.startInstant}, which adds the boot time each JVM read once from the wall
     * clock, no step of the wall clock (a VM restored from a snapshot) can move it: with the PID it
     * names one process, whichever process reads it and whenever.
     */
    public static OptionalLong startTicks(long pid) {
        return fields(pid).map(fields -> OptionalLong.of(Long.parseLong(fields[22 - 3]))).orElse(OptionalLong.empty());
    }
}
