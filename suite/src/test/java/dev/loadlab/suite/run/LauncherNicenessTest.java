package dev.loadlab.suite.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadlab.suite.plan.SuitePlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Servers run at the plan's niceness ({@code --server-nice}), under the PID the suite records:
 * {@code nice} execs the JVM, so signals and CPU samples still reach the server itself.
 */
class LauncherNicenessTest {
    /** The checkout: tests run in the suite module's folder. */
    private static final Path HOME = Path.of("").toAbsolutePath().getParent();

    @TempDir
    Path output;

    @Test
    void aServerRunsAtThePlansNicenessUnderItsOwnPid() throws Exception {
        int own = niceness(ProcessHandle.current().pid());
        int asked = Math.min(19, own + 7);
        try (CpuSampler sampler = new CpuSampler(); Launcher launcher = launcher(asked, sampler)) {
            ManagedProcess server = launcher.startServer("async-nice", "async", 2, List.of());
            try {
                assertThat(niceness(server.pid())).isEqualTo(asked);
                assertThat(ProcessHandle.of(server.pid()).flatMap(p -> p.info().command()))
                        .hasValueSatisfying(command -> assertThat(Path.of(command).getFileName()).hasToString("java"));
            } finally {
                launcher.stop(server);
            }
        }
    }

    @Test
    void niceZeroLeavesTheServerAtTheSuitesOwnNiceness() throws Exception {
        try (CpuSampler sampler = new CpuSampler(); Launcher launcher = launcher(0, sampler)) {
            ManagedProcess server = launcher.startServer("async-nice", "async", 2, List.of());
            try {
                assertThat(niceness(server.pid())).isEqualTo(niceness(ProcessHandle.current().pid()));
            } finally {
                launcher.stop(server);
            }
        }
    }

    private Launcher launcher(int nice, CpuSampler sampler) throws IOException {
        assertThat(HOME.resolve("server-async/target/server-async.jar")).as("build it first with mvn -B verify")
                .isRegularFile();
        SuitePlan plan = SuitePlan.builder(HOME, output).serverNice(nice).serverWarmupSeconds(0).build();
        return new Launcher(plan, Files.createDirectories(output.resolve("logs")), sampler);
    }

    /** Field 19 of {@code /proc/<pid>/stat}, counted after the command's closing parenthesis. */
    private static int niceness(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]);
    }
}
