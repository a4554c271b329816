package dev.loadlab.suite.results;

import java.util.List;

/**
 * The suite's JMH phase: the benchmarks of the components, run once as JMH users run them, with
 * JMH's JSON results kept in the results folder.
 *
 * @param resultFile JMH's JSON ({@code -rf json}), relative to the suite's folder; null if none was written
 * @param arguments  JMH's command-line arguments (the quick profile)
 * @param seconds    how long JMH ran
 * @param exitCode   JMH's exit code; null if it was stopped
 * @param machine    the machine over the whole JMH run (JMH's own processes are its own CPU)
 * @param note       what went wrong, or null
 */
public record JmhRecord(String resultFile, List<String> arguments, double seconds, Integer exitCode,
                        MachineShare machine, String note) {
}
