package dev.loadlab.suite.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Finding a process's JIT compiler threads by name and reading their CPU. */
class CompilerThreadsTest {

    @Test
    void thisJvmHasCompilerThreadsAndTheyHaveCompiled() {
        long self = ProcessHandle.current().pid();
        // HotSpot names them "C1 CompilerThread0", "C2 CompilerThread0", ...; a test JVM has run long
        // enough to have compiled something with them
        assertThat(CompilerThreads.cpuSeconds(List.of(self))).isPositive();
    }

    @Test
    void aProcessWithoutThemHasUsedNone() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "30").start();
        try {
            assertThat(CompilerThreads.cpuSeconds(List.of(sleep.pid()))).isZero();
        } finally {
            sleep.destroy();
            sleep.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anEndedProcessCountsNothing() throws Exception {
        Process done = new ProcessBuilder("true").start();
        assertThat(done.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(CompilerThreads.cpuSeconds(List.of(done.pid()))).isZero();
    }
}
