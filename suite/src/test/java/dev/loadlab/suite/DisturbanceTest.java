package dev.loadlab.suite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadlab.suite.plan.SuitePlan;
import dev.loadlab.suite.results.MachineShare;
import dev.loadlab.suite.results.RunRecord;
import dev.loadlab.suite.results.SuiteResults;
import dev.loadlab.suite.run.SuiteRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process the suite did not start, burning a core next to a run, is that run's foreign CPU, and
 * marks it disturbed; the same run without it is clean. The test measures the hog itself (from
 * {@code /proc/<pid>/stat}) and asks the suite to have seen most of it. The run without the
 * hog waits for a quiet machine first ({@code --wait-quiet}): that other work leaves this machine
 * alone for a few seconds is the precondition its assertion rests on, and its message says so.
 */
class DisturbanceTest {

    @Test
    void aCpuHogBesideARunIsItsForeignCpuAndMarksItDisturbed(@TempDir Path scratch) throws Exception {
        BuiltJars.assertFresh("client", "server-async");
        // One busy loop per core, so that the hog gets a fair part of a busy machine too.
        List<Process> hogs = new ArrayList<>();
        RunRecord withHog;
        double hogCores;
        try {
            for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
                hogs.add(new ProcessBuilder("bash", "-c", "while :; do :; done").start());
            }
            long before = cpuJiffies(hogs);
            long start = System.nanoTime();
            withHog = tinySuite(scratch.resolve("with-hog"), 0);
            hogCores = (cpuJiffies(hogs) - before) / 100.0 / ((System.nanoTime() - start) / 1e9);
        } finally {
            for (Process hog : hogs) {
                hog.destroyForcibly();
                hog.waitFor(30, TimeUnit.SECONDS);
            }
        }
        assertThat(hogCores).as("the hog ran (precondition)").isGreaterThan(0.25);
        MachineShare disturbed = withHog.machine();
        assertThat(disturbed.foreignCores()).as("foreign CPU with a hog of %.2f cores", hogCores)
                .isGreaterThanOrEqualTo(0.6 * hogCores);
        assertThat(withHog.disturbed()).isTrue();
        assertThat(disturbed.disturbance()).startsWith("foreign CPU ");

        RunRecord withoutHog = tinySuite(scratch.resolve("without-hog"), QUIET_WAIT_SECONDS);
        MachineShare quiet = withoutHog.machine();
        // Foreign CPU only: the hypervisor's steal also marks a run disturbed, and no test can keep it away.
        assertThat(quiet.foreignCores())
                .as("the run without the hog, on a machine that was quiet when it began (precondition: nothing"
                        + " else used a tenth of a core for %d s): %s", QUIET_WAIT_SECONDS, quiet)
                .isLessThanOrEqualTo(MachineShare.FOREIGN_CORES_LIMIT);
        assertThat(quiet.ownCores()).as("the run's own processes are its own CPU").isPositive();
    }

    private static final int QUIET_WAIT_SECONDS = 240;

    /** One closed-loop run of two seconds against the async server. */
    private static RunRecord tinySuite(Path results, int waitQuietSeconds) throws Exception {
        SuitePlan plan = SuitePlan.builder(BuiltJars.HOME, results)
                .models(List.of("async")).concurrencies(List.of(4)).loadFractions(List.of()).instances(0)
                .durationSeconds(2).warmupSeconds(0).serverWarmupSeconds(0).ioMillis(1).repeats(1)
                .waitQuietSeconds(waitQuietSeconds)
                .clientJvmOptions(List.of("-Xmx128m")).serverJvmOptions(List.of("-Xmx128m")).build();
        new SuiteRunner(plan, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run();
        List<SuiteResults.Run> runs = SuiteResults.load(results).runs();
        assertThat(runs).hasSize(1);
        assertThat(runs.getFirst().measured()).isTrue();
        return runs.getFirst().record();
    }

    private static long cpuJiffies(List<Process> processes) throws Exception {
        long jiffies = 0;
        for (Process process : processes) {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            jiffies += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        }
        return jiffies;
    }
}
