package dev.loadlab.suite.run;

import dev.loadlab.client.record.MachineTicks;
import dev.loadlab.suite.plan.SuitePlan;
import dev.loadlab.suite.results.JmhRecord;
import dev.loadlab.suite.results.MachineShare;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * JMH's benchmarks of the components (the models' hand-offs, sleeps and waiters, the balancer's
 * choice, the client's and servers' hot paths), run once with a quick profile, as JMH users run
 * {@code benchmarks.jar}: its own forks, its own JSON. JMH measures components closed-loop; the load
 * phases measure whole servers open-loop: the report puts the two side by side.
 *
 * <p>Threading: the suite's thread.
 */
final class JmhPhase {
    /** Where JMH's JSON goes, relative to the suite's folder. */
    static final String RESULT_FILE = "jmh/jmh.json";
    /**
     * The quick profile: one fork, one warm-up iteration and two measured ones of a second each.
     * Short, and said so in the report: JMH's own error bars show what that costs in precision.
     */
    static final List<String> QUICK_PROFILE = List.of("-f", "1", "-wi", "1", "-w", "1s", "-i", "2", "-r", "1s");
    /** JMH is stopped if it runs longer than this: the quick profile takes about five minutes. */
    private static final Duration BOUND = Duration.ofMinutes(30);

    private final SuitePlan plan;
    private final Measurer measurer;
    private final Progress progress;

    JmhPhase(SuitePlan plan, Measurer measurer, Progress progress) {
        this.plan = plan;
        this.measurer = measurer;
        this.progress = progress;
    }

    JmhRecord run() throws IOException, InterruptedException {
        Path json = plan.outputDirectory().resolve(RESULT_FILE);
        Files.createDirectories(json.getParent());
        List<String> arguments = new ArrayList<>(QUICK_PROFILE);
        arguments.addAll(List.of("-rf", "json", "-rff", json.toString()));
        if (!plan.jmhInclude().isEmpty()) {
            arguments.add(plan.jmhInclude());
        }
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-jar", plan.jar("benchmarks").toString()));
        command.addAll(arguments);
        progress.note("  JMH: the components' benchmarks, quick profile (" + String.join(" ", QUICK_PROFILE) + ")");
        long start = System.currentTimeMillis();
        long childrenBefore = reapedChildrenJiffies();
        ManagedProcess jmh = ManagedProcess.start("jmh", command, -1,
                plan.outputDirectory().resolve("logs").resolve("jmh.log"));
        Integer exitCode;
        try {
            exitCode = jmh.awaitExit(BOUND).orElse(null);
        } finally {
            jmh.close();
        }
        long end = System.currentTimeMillis();
        // JMH runs each benchmark in a fork of its own. Once JMH has ended (and been waited for), its
        // CPU and that of every fork it waited for is in this process's children's times: JMH's own.
        double jmhSeconds = (reapedChildrenJiffies() - childrenBefore) / (double) MachineTicks.PER_SECOND;
        MachineShare machine = measurer.machineShare(start, end, List.of(), jmhSeconds).orElse(null);
        String note = exitCode == null ? "JMH did not finish within " + BOUND.toMinutes() + " minutes and was stopped"
                : exitCode != 0 ? "JMH exited with code " + exitCode + "; see logs/jmh.log" : null;
        boolean written = Files.isRegularFile(json);
        progress.note(String.format(Locale.ROOT, "  JMH: %s in %s%s", written ? "done" : "no results",
                Progress.clock((end - start) / 1000.0), note == null ? "" : " (" + note + ")"));
        return new JmhRecord(written ? RESULT_FILE : null, arguments, (end - start) / 1000.0, exitCode, machine, note);
    }

    /**
     * cutime + cstime of the suite's JVM: the CPU of the children it has waited for, and of theirs.
     * No other child ends while JMH runs, so the difference over JMH's run is JMH's and its forks'.
     */
    private static long reapedChildrenJiffies() {
        return ProcStat.fields(ProcessHandle.current().pid()) // cutime and cstime: fields 16 and 17
                .map(fields -> Long.parseLong(fields[16 - 3]) + Long.parseLong(fields[17 - 3])).orElse(0L);
    }
}
