package dev.loadlab.suite.run;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What a person watching the suite sees. On a terminal, one live line, rewritten in place: run n
 * of N, the cell, the time elapsed and the estimated time left, and the last run's verdict, as k6
 * and Gatling show it. Off a terminal (a log, CI), one line per finished run. Notes (a phase
 * skipped, a measured capacity) are printed as lines of their own in both cases.
 *
 * <p>The estimate comes from the plan, not a guess: every run left costs its warm-up and measured
 * seconds plus the overhead the runs so far took beyond those (a client JVM's start and end), and
 * every server start left its warm-up plus the start-up measured so far.
 *
 * <p>Threading: the suite's thread only.
 */
final class Progress {
    /** Overheads assumed before any was measured: a client JVM, and a server's start-up. */
    private static final double DEFAULT_RUN_OVERHEAD_SECONDS = 1.5;
    private static final double DEFAULT_SETUP_SECONDS = 2.0;

    private final PrintStream out;
    private final boolean terminal;
    private final int totalRuns;
    private final double runSeconds;
    private final double setupWarmupSeconds;
    private final long startNanos = System.nanoTime();
    private int runsDone;
    private int setupsLeft;
    private double runOverheadTotal;
    private double setupTotal;
    private int setupsDone;
    private String lastVerdict = "";
    private String current = "";
    private long currentStartNanos;

    /**
     * @param runs               every client run the plan holds
     * @param setups             every server (or set of backends with their balancer) it starts
     * @param runSeconds         warm-up plus measured seconds of each run
     * @param setupWarmupSeconds the unmeasured warm-up of each setup
     */
    Progress(PrintStream out, boolean terminal, int runs, int setups, double runSeconds, double setupWarmupSeconds) {
        this.out = out;
        this.terminal = terminal;
        this.totalRuns = runs;
        this.setupsLeft = setups;
        this.runSeconds = runSeconds;
        this.setupWarmupSeconds = setupWarmupSeconds;
    }

    /** Whether standard output is an interactive terminal (the live line is shown only then). */
    static boolean stdoutIsTerminal() {
        Path stdout = Path.of("/proc/self/fd/1");
        try {
            if (Files.isSymbolicLink(stdout)) {
                String target = Files.readSymbolicLink(stdout).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            }
        } catch (IOException | UnsupportedOperationException unreadable) {
            return false;
        }
        return System.console() != null;
    }

    /** A server (or backends) has been started and warmed up, which took {@code seconds} in all. */
    void setupDone(double seconds) {
        setupsLeft = Math.max(0, setupsLeft - 1);
        setupsDone++;
        setupTotal += Math.max(0, seconds - setupWarmupSeconds);
    }

    /** Time spent preparing the next run (starting its balancer): counted in the runs' overhead. */
    void preparation(double seconds) {
        runOverheadTotal += seconds;
    }

    /** A setup the plan held will not happen (its phase was skipped). */
    void setupSkipped() {
        setupsLeft = Math.max(0, setupsLeft - 1);
    }

    void runStarted(String cell, int repeat) {
        current = cell + (repeat > 0 ? " #" + repeat : "");
        currentStartNanos = System.nanoTime();
        if (terminal) {
            live();
        }
    }

    /** The run ended; {@code verdict} is one short phrase (its throughput and p99, or why it failed). */
    void runFinished(String verdict) {
        runsDone++;
        runOverheadTotal += Math.max(0, (System.nanoTime() - currentStartNanos) / 1e9 - runSeconds);
        lastVerdict = verdict;
        if (terminal) {
            live();
        } else {
            out.printf(Locale.ROOT, "  [%d/%d] %-48s %s%n", runsDone, totalRuns, current, verdict);
        }
    }

    /** Runs the plan held that will not happen (a dead server, a skipped phase). */
    void runsSkipped(int runs) {
        runsDone += runs;
    }

    /** A line of its own, above the live line. */
    void note(String line) {
        if (terminal) {
            out.print("\r\033[K");
        }
        out.println(line);
        if (terminal && !current.isEmpty()) {
            live();
        }
    }

    /** Leaves the live line as the last line printed. */
    void finish() {
        if (terminal) {
            out.println();
        }
    }

    /** Seconds the rest of the plan should take. */
    double secondsLeft() {
        int runsLeft = Math.max(0, totalRuns - runsDone);
        double runOverhead = runsDone == 0 ? DEFAULT_RUN_OVERHEAD_SECONDS : runOverheadTotal / runsDone;
        double setup = setupsDone == 0 ? DEFAULT_SETUP_SECONDS : setupTotal / setupsDone;
        return runsLeft * (runSeconds + runOverhead) + setupsLeft * (setupWarmupSeconds + setup);
    }

    private void live() {
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        out.print(String.format(Locale.ROOT, "\r\033[Krun %d of %d  %s  %s elapsed, about %s left%s",
                Math.min(runsDone + 1, totalRuns), totalRuns, current, clock(elapsed), clock(secondsLeft()),
                lastVerdict.isEmpty() ? "" : "  | last: " + lastVerdict));
        out.flush();
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
