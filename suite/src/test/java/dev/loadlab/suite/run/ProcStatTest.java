package dev.loadlab.suite.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcStatTest {

    /** A command name with spaces and parentheses, as a program may be named, shifts no field. */
    @Test
    void fieldsAreCountedFromTheCommandNamesLastParenthesis(@TempDir Path dir) throws Exception {
        Path awkward = dir.resolve("x) (y");
        Files.copy(Path.of("/bin/sleep"), awkward, StandardCopyOption.COPY_ATTRIBUTES);
        Process process = new ProcessBuilder(awkward.toString(), "30").start();
        try {
            String[] fields = ProcStat.fields(process.pid()).orElseThrow();

            assertThat(fields[0]).as("field 3, the state").matches("[RSD]");
            assertThat(Long.parseLong(fields[4 - 3])).as("field 4, the parent").isEqualTo(ProcessHandle.current().pid());
        } finally {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** A process started after this JVM started later, and one that has ended and been reaped has none. */
    @Test
    void startTicksOrderProcessesByTheirStartAndEndWithThem() throws Exception {
        long own = ProcStat.startTicks(ProcessHandle.current().pid()).orElseThrow();
        Process process = new ProcessBuilder("sleep", "30").start();
        long child;
        try {
            child = ProcStat.startTicks(process.pid()).orElseThrow();
        } finally {
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the child ended").isTrue();
        }

        assertThat(child).isGreaterThanOrEqualTo(own);
        assertThat(ProcStat.startTicks(process.pid())).as("reaped: no /proc entry").isEmpty();
        assertThat(ProcStat.fields(process.pid())).isEmpty();
    }
}
