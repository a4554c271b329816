package dev.loadlab.client.suite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuiteInterruptTest {
    private static final Path HOME = Path.of("").toAbsolutePath().getParent();

    /** Ctrl-C in the middle of the matrix: the suite stops, and so does every process it started. */
    @Test
    void interruptingTheSuiteMidMatrixLeavesNoProcessRunning(@TempDir Path scratch) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Instant suiteStarted = Instant.now().minusSeconds(1); // start times have coarse resolution
        Process suite = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.loadlab.client.ClientMain", "suite", "--home", HOME.toString(), "--output", scratch.toString(),
                "--models", "threads,async", "--disciplines", "fifo", "--concurrency", "2,4,8", "--loads", "none",
                "--instances", "0", "--duration", "30", "--warmup", "0")
                .redirectErrorStream(true)
                .start();
        List<ProcessHandle> started;
        try {
            BufferedReader output = new BufferedReader(new InputStreamReader(suite.getInputStream(), StandardCharsets.UTF_8));
            for (String line = output.readLine(); line != null && !line.contains("models-threads-fifo-c2"); line = output.readLine()) {
                // wait until the first run is under way: a server and a client are running
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (suite.descendants().count() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            started = suite.descendants().toList();
            assertThat(started).as("the suite has started a server and a client").hasSizeGreaterThanOrEqualTo(2);

            new ProcessBuilder("kill", "-INT", String.valueOf(suite.pid())).start().waitFor();

            assertThat(suite.waitFor(60, TimeUnit.SECONDS)).as("the suite stops").isTrue();
        } finally {
            suite.destroyForcibly();
            suite.descendants().forEach(ProcessHandle::destroyForcibly);
        }
        for (ProcessHandle child : started) {
            child.onExit().get(30, TimeUnit.SECONDS);
            assertThat(child.isAlive()).as("process " + child.pid() + " stopped").isFalse();
        }
        // Nor any process it started after that snapshot (it would have outlived the suite as an
        // orphan): nothing started since the suite, from this build's jars, is still running.
        List<ProcessHandle> left = ProcessHandle.allProcesses()
                .filter(process -> process.pid() != ProcessHandle.current().pid())
                .filter(process -> process.info().startInstant().map(at -> !at.isBefore(suiteStarted)).orElse(false))
                .filter(process -> process.info().commandLine().map(line -> line.contains(HOME + "/")).orElse(false))
                .toList();
        for (ProcessHandle process : left) {
            process.onExit().completeOnTimeout(process, 30, TimeUnit.SECONDS).get();
        }
        assertThat(left).as("processes started by the suite").noneMatch(ProcessHandle::isAlive);
    }
}
