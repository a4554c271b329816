package dev.loadlab.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The balancer's {@code main} as an operator meets it: a real process, its output and exit code. */
class BalancerLaunchTest {

    @Test
    void aPortInUseIsOneLineNamingItAndExitsTwo() throws Exception {
        try (TestCluster cluster = new TestCluster();
             ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int backend = cluster.backend("a");
            ProcessRun run = runMain("--port", String.valueOf(taken.getLocalPort()),
                    "--backends", "http://127.0.0.1:" + backend);
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.lines()).as(run.output())
                    .anyMatch(line -> line.startsWith("balancer: --port " + taken.getLocalPort() + " is in use"))
                    .noneMatch(line -> line.contains("Exception") || line.startsWith("\tat "));
        }
    }

    /** What a run of the balancer printed (stdout and stderr), and how it exited. */
    private record ProcessRun(int exitCode, String output) {
        List<String> lines() {
            return output.lines().toList();
        }
    }

    /** Runs the balancer's {@code main} as a process that is expected to exit by itself. */
    private static ProcessRun runMain(String... args) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                Balancer.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exits by itself").isTrue();
            return new ProcessRun(process.exitValue(), output);
        } finally {
            process.destroyForcibly();
        }
    }
}
