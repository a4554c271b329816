package dev.loadlab.suite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadlab.suite.run.ProcStat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C of a suite leaves nothing behind. It judges only the suite's own processes: those the suite
 * listed in its {@code logs/processes.tsv} (each written there before it runs on), so that other
 * suites or builds on the same machine, from the same checkout or not, cannot fail it.
 */
class SuiteInterruptTest {

    @Test
    void interruptingTheSuiteMidMatrixLeavesNoProcessItStartedRunning(@TempDir Path scratch) throws Exception {
        BuiltJars.assertFresh("client", "server-threads", "server-async");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process suite = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.loadlab.suite.cli.SuiteMain", "run", "--home", BuiltJars.HOME.toString(),
                "--output", scratch.toString(), "--models", "threads,async", "--disciplines", "fifo",
                "--concurrency", "2,4,8", "--phases", "models", "--duration", "30",
                "--warmup", "0", "--server-warmup", "0")
                .redirectErrorStream(true)
                .redirectOutput(scratch.resolve("suite.out").toFile())
                .start();
        try {
            // Wait until the first run is under way: its server and its client are both running.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (running(scratch).size() < 2 && suite.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(running(scratch)).as("a server and a client of the suite running when it is interrupted")
                    .extracting(ListedProcess::name).anyMatch(name -> name.startsWith("client "))
                    .anyMatch(name -> name.startsWith("threads-"));

            interrupt(suite);

            assertThat(suite.waitFor(60, TimeUnit.SECONDS)).as("the suite stops").isTrue();
        } finally {
            suite.destroyForcibly();
            for (ListedProcess listed : ListedProcess.readAll(scratch)) {
                listed.process().ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        // Every process the suite ever started, including any it started after the interrupt.
        for (ListedProcess listed : ListedProcess.readAll(scratch)) {
            Optional<ProcessHandle> process = listed.process();
            if (process.isPresent()) {
                process.get().onExit().completeOnTimeout(process.get(), 30, TimeUnit.SECONDS).get();
            }
            assertThat(listed.running())
                    .as("%s (pid %d) stopped", listed.name(), listed.pid()).isFalse();
        }
    }

    /**
     * Ctrl-C: SIGINT, unless the suite inherited SIGINT ignored (a background job of a
     * non-interactive shell does, and the JVM then installs no handler for it); then SIGTERM, which
     * the JVM answers with the same shutdown, hooks and all.
     */
    private static void interrupt(Process suite) throws Exception {
        String status = Files.readString(Path.of("/proc", Long.toString(suite.pid()), "status"));
        long ignored = status.lines().filter(line -> line.startsWith("SigIgn:"))
                .mapToLong(line -> Long.parseLong(line.substring("SigIgn:".length()).trim(), 16)).findFirst().orElse(0);
        boolean sigintIgnored = (ignored & (1L << (2 - 1))) != 0; // bit n-1 is signal n; SIGINT is 2
        new ProcessBuilder("kill", sigintIgnored ? "-TERM" : "-INT", String.valueOf(suite.pid())).start().waitFor();
    }

    /**
     * Ctrl-C while a backend is stopped by the pause fault: a stopped process cannot act on SIGTERM,
     * so the suite must resume it before it stops it, or it would be left behind, stopped forever.
     */
    @Test
    void interruptingTheSuiteWhileABackendIsPausedLeavesNoProcessBehind(@TempDir Path scratch) throws Exception {
        BuiltJars.assertFresh("client", "server-async", "balancer");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process suite = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.loadlab.suite.cli.SuiteMain", "run", "--home", BuiltJars.HOME.toString(),
                "--output", scratch.toString(), "--phases", "strategies", "--scenarios", "pause",
                "--strategies", "round-robin", "--instances", "2", "--duration", "5", "--warmup", "0",
                "--server-warmup", "0", "--repeats", "1")
                .redirectErrorStream(true)
                .redirectOutput(scratch.resolve("suite.out").toFile())
                .start();
        try {
            // Wait until the measured run is under way and its first backend is stopped (state T).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!pausedBackend(scratch) && suite.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(pausedBackend(scratch)).as("a backend of the suite is stopped when it is interrupted").isTrue();

            interrupt(suite);

            assertThat(suite.waitFor(60, TimeUnit.SECONDS)).as("the suite stops").isTrue();
        } finally {
            suite.destroyForcibly();
            for (ListedProcess listed : ListedProcess.readAll(scratch)) {
                listed.process().ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        for (ListedProcess listed : ListedProcess.readAll(scratch)) {
            Optional<ProcessHandle> process = listed.process();
            if (process.isPresent()) {
                process.get().onExit().completeOnTimeout(process.get(), 30, TimeUnit.SECONDS).get();
            }
            assertThat(listed.running())
                    .as("%s (pid %d) stopped", listed.name(), listed.pid()).isFalse();
        }
    }

    /** Whether async-b1, as the suite listed it, is stopped right now (state T in /proc/<pid>/stat). */
    private static boolean pausedBackend(Path results) throws Exception {
        for (ListedProcess listed : running(results)) {
            if (listed.name().equals("async-b1")) {
                if (ProcStat.fields(listed.pid()).map(fields -> fields[0].startsWith("T")).orElse(false)) {
                    return true; // field 3, the state
                }
            }
        }
        return false;
    }

    private static List<ListedProcess> running(Path results) throws Exception {
        return ListedProcess.readAll(results).stream().filter(ListedProcess::running).toList();
    }
}
