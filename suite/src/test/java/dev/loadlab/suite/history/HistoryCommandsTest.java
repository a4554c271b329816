package dev.loadlab.suite.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadlab.suite.SyntheticSuites;
import dev.loadlab.suite.cli.SuiteMain;
import dev.loadlab.suite.SyntheticSuites.CellSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code import}, {@code history} and {@code compare} on synthetic suites: output and exit codes. */
class HistoryCommandsTest {
    @TempDir
    Path scratch;
    private Path db;

    private record Outcome(int exitCode, String out, String err) {
    }

    private static Outcome execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SuiteMain.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Outcome(code, out.toString(), err.toString());
    }

    @BeforeEach
    void twoSuitesTheSecondSlower() throws Exception {
        db = scratch.resolve("history.db");
        SyntheticSuites.write(scratch.resolve("a"), "2026-12-01T10:00:00Z", "aaa",
                List.of(new CellSpec("async", "lifo", 1.2, SyntheticSuites.around(950, 40, 5))));
        SyntheticSuites.write(scratch.resolve("b"), "2026-12-01T11:00:00Z", "bbb",
                List.of(new CellSpec("async", "lifo", 1.2, SyntheticSuites.around(800, 60, 5))));
        assertThat(execute("import", "--history", db.toString(), scratch.resolve("a").toString(),
                scratch.resolve("b").toString()).exitCode()).isZero();
    }

    @Test
    void historyListsEverySuite() {
        Outcome outcome = execute("history", "--history", db.toString());
        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.out()).contains("#1").contains("#2").contains("aaa").contains("bbb").contains("complete");
    }

    @Test
    void compareSaysSlowerAndExitsZeroWithoutTheFlag() {
        Outcome outcome = execute("compare", "previous", "last", "--history", db.toString());
        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.out()).contains("slower").contains("alpha 0.05");
    }

    @Test
    void aRegressionBeyondTheThresholdExitsOne() {
        Outcome outcome = execute("compare", "1", "2", "--history", db.toString(), "--fail-on-regression", "10");
        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.out()).contains("regression: overload async lifo 120% p99 ms");
        assertThat(execute("compare", "2", "1", "--history", db.toString(), "--fail-on-regression", "10").exitCode())
                .isZero();
    }

    @Test
    void anUnknownSuiteIsOneLineAndExitCode2() {
        Outcome outcome = execute("compare", "1", "99", "--history", db.toString());
        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.err().lines().findFirst().orElseThrow()).startsWith("suite: no suite '99' in ");
        assertThat(outcome.err()).doesNotContain("Exception");
    }

    @Test
    void importingAFolderThatIsNotASuitesIsExitCode2() {
        Outcome outcome = execute("import", "--history", db.toString(), scratch.toString());
        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.err()).startsWith("suite: " + scratch + " has no suite.json");
    }
}
