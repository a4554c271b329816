package dev.loadlab.suite;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadlab.suite.plan.SuitePlan;
import dev.loadlab.suite.report.ReportWriter;
import dev.loadlab.suite.results.JmhRecord;
import dev.loadlab.suite.results.SuiteResults;
import dev.loadlab.suite.run.SuiteRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The JMH phase, as --jmh-only runs it, on one small benchmark class: JMH's JSON kept, and the report's section from it. */
class JmhPhaseTest {

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void jmhOnlyRunsJmhAndTheReportShowsItsJsonFigures(@TempDir Path scratch) throws Exception {
        BuiltJars.assertFresh("benchmarks");
        Path results = scratch.resolve("results");
        SuitePlan plan = SuitePlan.builder(BuiltJars.HOME, results).phases(List.of("jmh"))
                .jmhInclude("CpuWorkBenchmark").build();
        new SuiteRunner(plan, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run();
        SuiteResults suite = SuiteResults.load(results);
        ReportWriter.writeAll(suite);

        JmhRecord jmh = suite.suite().jmh();
        assertThat(jmh.exitCode()).isZero();
        assertThat(jmh.note()).isNull();
        assertThat(suite.runs()).as("no load phase ran").isEmpty();
        assertThat(jmh.arguments()).containsSequence("-f", "1").endsWith("CpuWorkBenchmark");
        JsonNode json = SuiteResults.mapper().readTree(results.resolve(jmh.resultFile()).toFile());
        assertThat(json.size()).isPositive();

        String markdown = Files.readString(results.resolve("report.md"));
        assertThat(markdown).contains("## Components (JMH): CpuWorkBenchmark");
        for (JsonNode benchmark : json) {
            String method = benchmark.path("benchmark").asText().replaceAll(".*\\.", "");
            double score = benchmark.path("primaryMetric").path("score").asDouble();
            assertThat(markdown).as(method).containsPattern("\\| " + method + " \\| [^|]* \\| "
                    + benchmark.path("mode").asText() + " \\| " + Pattern.quote(threeDigits(score))
                    + " \\| ");
        }
    }

    /** As the report writes a JMH figure: three significant digits or so. */
    private static String threeDigits(double value) {
        double magnitude = Math.abs(value);
        int decimals = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3;
        return String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }
}
