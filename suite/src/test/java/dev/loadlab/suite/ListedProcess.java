package dev.loadlab.suite;

import dev.loadlab.suite.run.ManagedProcess;
import dev.loadlab.suite.run.ProcStat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A line of a suite's {@code logs/processes.tsv} ({@link ManagedProcess#PROCESS_LIST}): a process
 * the suite started, as the tests tell whether it still runs.
 */
record ListedProcess(long pid, String started, String startTicks, String name) {

    /** Every process a suite writing to {@code results} listed so far; none before it listed one. */
    static List<ListedProcess> readAll(Path results) throws IOException {
        Path list = results.resolve("logs").resolve(ManagedProcess.PROCESS_LIST);
        if (!Files.isRegularFile(list)) {
            return List.of();
        }
        return Files.readAllLines(list, StandardCharsets.UTF_8).stream()
                .filter(line -> !line.isBlank()).map(line -> line.split("\t"))
                .map(fields -> new ListedProcess(Long.parseLong(fields[0]), fields[1], fields[2], fields[3]))
                .toList();
    }

    /**
     * The process, if one with this PID and this start still exists (a reused PID is another).
     * Told by its start in clock ticks since boot, which a step of the wall clock (the VM restored
     * from a snapshot, mid-test) cannot move, as it moves each JVM's idea of the start instant.
     */
    Optional<ProcessHandle> process() {
        return ProcessHandle.of(pid).filter(p -> ProcStat.startTicks(pid).stream()
                .anyMatch(ticks -> Long.toString(ticks).equals(startTicks)));
    }

    /** Whether this very process still runs. */
    boolean running() {
        return process().map(ProcessHandle::isAlive).orElse(false);
    }
}
