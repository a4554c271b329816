package dev.loadlab.suite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The suite's command line: its help, its one-line errors, and its exit codes. */
class SuiteMainTest {

    /** What one command line printed, and picocli's own warnings (which go to System.err). */
    private record Outcome(int exitCode, String out, String err, String systemErr) {
    }

    private static synchronized Outcome execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int code = SuiteMain.execute(args, new PrintWriter(out), new PrintWriter(err));
            return new Outcome(code, out.toString(), err.toString(), captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(original);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "run --help", "report --help", "commands --help"})
    void everyHelpExitsZeroWithoutAPicocliWarning(String args) {
        Outcome outcome = execute(args.split(" "));
        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.out()).contains("Usage:");
        assertThat(outcome.err() + outcome.systemErr()).doesNotContain("WARN");
    }

    @Test
    void anUnknownModelIsOneLineAndExitCode2() {
        Outcome outcome = execute("--models", "goroutines");
        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.err().lines().findFirst().orElseThrow())
                .isEqualTo("suite: --models: 'goroutines' is not one of [threads, virtual-threads, async]");
        assertThat(outcome.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void aLoadThatIsNotANumberIsOneLineAndExitCode2() {
        Outcome outcome = execute("run", "--loads", "50,lots");
        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.err()).startsWith("suite: --loads: 'lots' is not a whole number");
    }

    @Test
    void aMissingJarSaysHowToBuildIt(@TempDir Path empty) {
        Outcome outcome = execute("run", "--home", empty.toString());
        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.err()).startsWith("suite: " + empty.resolve("client/target/client.jar") + " is missing: build first");
    }

    @Test
    void reportOfAFolderThatIsNoSuitesSaysSo(@TempDir Path empty) {
        Outcome outcome = execute("report", empty.toString());
        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.err()).startsWith("suite: " + empty + " has no suite.json: not a suite's results folder");
    }

    @Test
    void commandsIsTheClientsCommandMatrix() {
        Outcome outcome = execute("commands", "--servers", "async", "--disciplines", "lifo", "--concurrency", "10");
        assertThat(outcome.exitCode()).isZero();
        assertThat(List.of(outcome.out().split("\n"))).containsExactly("java -jar client/target/client.jar"
                + " --url http://127.0.0.1:8083/api/process_lifo --requests 1000 --concurrency 10"
                + " --label async-lifo-c10 --output results/async-lifo-c10");
    }
}
