package dev.loadlab.client.suite;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadlab.client.report.ReportWriter;
import dev.loadlab.client.report.SuiteResults;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on a tiny matrix: real server and balancer processes from the build's jars,
 * real client processes, one-second runs; then the files, the report's numbers against the JSON
 * they came from, and the HTML report in a real browser.
 */
class SuitePipelineTest {
    /** The checkout: tests run in the client module's folder. */
    private static final Path HOME = Path.of("").toAbsolutePath().getParent();

    @TempDir
    static Path scratch;
    private static Path results;
    private static String printed;

    @BeforeAll
    static void runATinySuite() throws Exception {
        results = scratch.resolve("results");
        SuitePlan plan = new SuitePlan(HOME, results, List.of("threads", "async"), List.of("fifo", "lifo"), List.of(4),
                List.of(0.5, 1.2), 1, 0, 1, 2, 0, 8, 100, 4, 1_000, 2, "round-robin", "async", 8,
                List.of("-Xmx256m"), List.of("-Xmx256m"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new SuiteRunner(plan, new PrintStream(out, true, StandardCharsets.UTF_8)).run();
        printed = out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void writesEveryFileTheReportPromises() {
        assertThat(results.resolve("suite.json")).isRegularFile();
        assertThat(results.resolve("results.csv")).isRegularFile();
        assertThat(results.resolve("report.md")).isRegularFile();
        assertThat(results.resolve("report.html")).isRegularFile();
        for (String run : List.of("models-threads-fifo-c4", "models-async-lifo-c4", "capacity-threads",
                "overload-async-lifo-120pct", "balancer-async-x2-round-robin")) {
            Path dir = results.resolve("runs").resolve(run);
            assertThat(dir.resolve("result.json")).as(run).isRegularFile();
            assertThat(dir.resolve("latency.hgrm")).as(run).isRegularFile();
            assertThat(dir.resolve("histograms.hlog")).as(run).isRegularFile();
        }
        assertThat(results.resolve("logs").resolve("threads-models.log")).isRegularFile();
        assertThat(printed).contains("Throughput and latency by concurrency").contains("report.html");
    }

    @Test
    void everyRunWasMeasuredAndNoServerDied() throws IOException {
        SuiteResults suite = SuiteResults.load(results);
        assertThat(suite.runs()).hasSize(2 * 2 + 2 * (1 + 2 * 2) + 1);
        for (SuiteResults.Run run : suite.runs()) {
            assertThat(run.measured()).as(run.id()).isTrue();
            assertThat(run.record().path("note").isNull()).as(run.id() + ": " + run.record().path("note")).isTrue();
            assertThat(run.sent()).as(run.id()).isPositive();
        }
        assertThat(suite.capacities()).containsOnlyKeys("threads", "async");
        assertThat(suite.phase("balancer").getFirst().backends()).containsOnlyKeys("async-1", "async-2");
    }

    @Test
    void theReportsNumbersAreTheResultFilesNumbers() throws IOException {
        String markdown = Files.readString(results.resolve("report.md"));
        SuiteResults suite = SuiteResults.load(results);
        for (SuiteResults.Run run : suite.phase("models")) {
            JsonNode result = run.result();
            String row = row(markdown, "| " + run.model() + " | " + run.discipline() + " | ");
            List<String> cells = List.of(row.split("\\s*\\|\\s*"));
            assertThat(cells.get(5)).as("req/s of " + run.id())
                    .isEqualTo(String.format(Locale.ROOT, "%,.0f", result.path("successful_throughput_rps").asDouble()));
            assertThat(cells.get(7)).as("p99 of " + run.id())
                    .isEqualTo(String.format(Locale.ROOT, "%,.2f", result.path("histograms").path("latency").path("p99_ms").asDouble()));
        }
        for (SuiteResults.Run run : suite.phase("overload")) {
            String load = Math.round(run.record().path("load_fraction").asDouble() * 100) + "%";
            String row = row(markdown, "| " + run.model() + " | " + run.discipline() + " | " + load + " | ");
            List<String> cells = List.of(row.split("\\s*\\|\\s*"));
            assertThat(cells.get(5)).as("goodput of " + run.id())
                    .isEqualTo(String.format(Locale.ROOT, "%,.0f", run.result().path("successful_throughput_rps").asDouble()));
        }
    }

    private static String row(String markdown, String prefix) {
        Matcher m = Pattern.compile("^" + Pattern.quote(prefix) + ".*$", Pattern.MULTILINE).matcher(markdown);
        assertThat(m.find()).as("a row starting " + prefix).isTrue();
        return m.group();
    }

    @Test
    void regeneratingTheReportGivesTheSameReport() throws IOException {
        String before = Files.readString(results.resolve("report.md"));
        ReportWriter.write(SuiteResults.load(results));
        assertThat(Files.readString(results.resolve("report.md"))).isEqualTo(before);
    }

    @Test
    void theHtmlReportOpensInABrowserWithEveryChartDrawnAndNoErrors() throws Exception {
        Path html = results.resolve("report.html");
        HeadlessChromium.Page page = HeadlessChromium.open(html, scratch);
        ReportPageCheck.assertEveryChartDrawn(page);
        Path png = results.resolve("report.png");
        HeadlessChromium.screenshot(html, png, scratch);
        assertThat(png).isRegularFile();
        assertThat(Files.size(png)).isGreaterThan(20_000);
    }

    @Test
    void theBrowserCheckFailsWhenAChartIsEmpty() throws Exception {
        // The goodput chart's series, stripped of their points: the chart draws axes and nothing else.
        Path broken = reportWithChartData("broken.html",
                series -> series.forEach(one -> ((ObjectNode) one).putArray("points")));
        HeadlessChromium.Page page = HeadlessChromium.open(broken, scratch);
        assertThat(ReportPageCheck.emptyCharts(page)).containsExactly("goodput");
    }

    @Test
    void aSeriesPaintedOverByAnIdenticalOneStillCountsAsDrawn() throws Exception {
        // Every goodput series given the first one's points, as when all disciplines keep up with the load.
        Path identical = reportWithChartData("identical.html", series -> {
            assertThat(series.size()).as("goodput series").isGreaterThanOrEqualTo(2);
            series.forEach(one -> ((ObjectNode) one).set("points", series.get(0).get("points").deepCopy()));
        });
        assertThat(ReportPageCheck.emptyCharts(HeadlessChromium.open(identical, scratch))).isEmpty();
    }

    /** A copy of the suite's report.html, named {@code name}, with its goodput series changed by {@code change}. */
    private static Path reportWithChartData(String name, Consumer<ArrayNode> change) throws IOException {
        String html = Files.readString(results.resolve("report.html"));
        String open = "<script id=\"report-data\" type=\"application/json\">";
        int start = html.indexOf(open) + open.length();
        int end = html.indexOf("</script>", start);
        ObjectNode data = (ObjectNode) SuiteResults.mapper().readTree(html.substring(start, end));
        change.accept(data.withArray("/goodput/series"));
        Path copy = scratch.resolve(name);
        Files.writeString(copy, html.substring(0, start) + data + html.substring(end));
        return copy;
    }
}
