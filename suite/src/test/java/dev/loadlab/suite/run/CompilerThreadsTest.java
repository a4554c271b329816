package dev.loadlab.suite.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Finding a process's JIT compiler threads by name and reading their CPU. */
class CompilerThreadsTest {

    @Test
    void thisJvmHasCompilerThreadsAndTheyHaveCompiled() {
        long self = ProcessHandle.current().pid();
        // HotSpot names them "C1 CompilerThread0", "C2 CompilerThread0", ...; a test JVM has run long
        // enough to have compiled something with them
        assertThat(sinceStart(self)).isPositive();
    }

    @Test
    void aProcessWithoutThemHasUsedNone() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "30").start();
        try {
            assertThat(sinceStart(sleep.pid())).isZero();
        } finally {
            sleep.destroy();
            sleep.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aThreadNewSinceTheEarlierReadingCountsWholeAndAGoneOneNeverNegative() {
        Path c2 = Path.of("/proc/1/task/2");
        Path c1 = Path.of("/proc/1/task/3");
        CompilerThreads.Reading earlier = new CompilerThreads.Reading(Map.of(c2, 500L, c1, 40L));
        CompilerThreads.Reading later = new CompilerThreads.Reading(Map.of(c2, 530L, Path.of("/proc/1/task/9"), 20L));
        assertThat(later.cpuSecondsSince(earlier)).as("30 jiffies of C2, 20 of a new thread; C1 gone")
                .isEqualTo(0.5);
    }

    /** The CPU its compiler threads have used since they started. */
    private static double sinceStart(long pid) {
        return CompilerThreads.read(List.of(pid)).cpuSecondsSince(CompilerThreads.read(List.of()));
    }

    @Test
    void anEndedProcessCountsNothing() throws Exception {
        Process done = new ProcessBuilder("true").start();
        assertThat(done.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(sinceStart(done.pid())).isZero();
    }
}
