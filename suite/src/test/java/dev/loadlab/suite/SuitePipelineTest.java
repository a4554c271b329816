package dev.loadlab.suite;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadlab.client.output.ResultDocument;
import dev.loadlab.client.search.SearchDocument;
import dev.loadlab.client.search.SearchStep;
import dev.loadlab.suite.plan.SuitePlan;
import dev.loadlab.suite.report.HeadlessChromium;
import dev.loadlab.suite.report.ReportPageCheck;
import dev.loadlab.suite.report.ReportWriter;
import dev.loadlab.suite.results.SuiteResults;
import dev.loadlab.suite.results.WarmUp;
import dev.loadlab.suite.run.SuiteRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on a tiny matrix: real server and client processes from the build's
 * jars, one-second runs; then the files, the report's numbers against the JSON they came from, and
 * the HTML report in a real browser.
 */
class SuitePipelineTest {
    @TempDir
    static Path scratch;
    private static Path results;
    private static String printed;

    @BeforeAll
    @Timeout(value = 20, unit = TimeUnit.MINUTES) // tens of JVMs; far longer on a busy machine
    static void runATinySuite() throws Exception {
        BuiltJars.assertFresh("client", "server-threads", "server-async");
        results = scratch.resolve("results");
        SuitePlan plan = SuitePlan.builder(BuiltJars.HOME, results).phases(List.of("models", "overload"))
                .models(List.of("threads", "async")).disciplines(List.of("fifo", "lifo"))
                .concurrencies(List.of(4)).loadFractions(List.of(0.5, 1.2))
                .durationSeconds(1).warmupSeconds(0).serverWarmupSeconds(1).ioMillis(2)
                .poolWorkers(8).permitWorkers(100).overloadWorkers(4)
                .clientJvmOptions(List.of("-Xmx256m")).serverJvmOptions(List.of("-Xmx256m"))
                .repeats(2).clientRealtime(true).settleLimitSeconds(3).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new SuiteRunner(plan, new PrintStream(out, true, StandardCharsets.UTF_8)).run();
        SuiteResults written = SuiteResults.load(results);
        ReportWriter.writeAll(written);
        printed = out.toString(StandardCharsets.UTF_8) + ReportWriter.summary(written);
    }

    @Test
    void writesEveryFileTheReportPromises() {
        assertThat(results.resolve("suite.json")).isRegularFile();
        assertThat(results.resolve("results.csv")).isRegularFile();
        assertThat(results.resolve("report.md")).isRegularFile();
        assertThat(results.resolve("report.html")).isRegularFile();
        for (String run : List.of("models-threads-fifo-c4-r1", "models-async-fifo-c4-r2",
                "overload-async-lifo-120pct-r1", "overload-async-lifo-120pct-r2")) {
            Path dir = results.resolve("runs").resolve(run);
            assertThat(dir.resolve("result.json")).as(run).isRegularFile();
            assertThat(dir.resolve("latency.hgrm")).as(run).isRegularFile();
            assertThat(dir.resolve("histograms.hlog")).as(run).isRegularFile();
        }
        // The capacity search: its search.json, and each step's result files in a folder of its own.
        Path search = results.resolve("runs").resolve("capacity-threads-r1");
        assertThat(search.resolve("search.json")).isRegularFile();
        assertThat(search.resolve("step-01").resolve("result.json")).isRegularFile();
        assertThat(search.resolve("step-01").resolve("latency.hgrm")).isRegularFile();
        assertThat(results.resolve("logs").resolve("threads-models.log")).isRegularFile();
        assertThat(printed).contains("Throughput and latency by concurrency").contains("[1/").contains("[22/22]");
    }

    @Test
    void theClientRunsAsTheJarThatShipsInOneProcessForEveryRun() throws IOException {
        List<String> clients = Files.readAllLines(results.resolve("logs").resolve("processes.tsv")).stream()
                .filter(line -> line.split("\t")[3].startsWith("client ")).toList();
        assertThat(clients).hasSize(1);
        assertThat(clients.getFirst()).contains("-jar " + BuiltJars.HOME.resolve("client/target/client.jar") + " batch");
        assertThat(Files.readString(results.resolve("report.md")))
                .containsPattern("\\*\\*client\\*\\*: one process \\(client.jar batch\\) for every run, netty [^;]+;"
                        + " its CPU over a run's measured window: median [0-9.]+%, at most [0-9.]+% of the \\d+ cores");
    }

    @Test
    void everyOpenLoopAsksForRealTimeEventLoopsAndSaysWhatItGot() throws IOException {
        SuiteResults suite = SuiteResults.load(results);
        for (SuiteResults.Run run : suite.runs()) {
            boolean open = run.result().settings().mode().equals("open");
            assertThat(run.result().settings().realtime()).as(run.id()).isEqualTo(open ? Boolean.TRUE : null);
            assertThat(run.result().environment().transport()).as(run.id())
                    .matches(open ? ".*1 event loop(, SCHED_FIFO 1|, normal priority \\(--realtime refused: .*\\))"
                            : ".*1 event loop");
        }
        assertThat(Files.readString(results.resolve("report.md")))
                .contains("the client's event loops at real-time priority in open loops");
    }

    @Test
    void everyRunWasMeasuredAndNoServerDied() throws IOException {
        SuiteResults suite = SuiteResults.load(results);
        // Two models: once their capacity search (a run per step, at least a pass and a fail each); per
        // repeat one lane at one concurrency, two lanes at two loads.
        assertThat(suite.runs()).hasSize(suite.phase("capacity").size() + 2 * (2 * 1 + 2 * 2 * 2));
        for (String model : List.of("threads", "async")) {
            assertThat(suite.phase("capacity")).filteredOn(run -> run.model().equals(model)).as(model)
                    .hasSizeGreaterThanOrEqualTo(2);
        }
        for (SuiteResults.Run run : suite.runs()) {
            assertThat(run.measured()).as(run.id()).isTrue();
            assertThat(run.record().note()).as(run.id()).isNull();
            assertThat(run.sent()).as(run.id()).isPositive();
            assertThat(run.record().machine()).as(run.id()).isNotNull();
            assertThat(run.record().machine().ownCores()).as(run.id()).isPositive();
        }
        assertThat(suite.capacities()).containsOnlyKeys("threads", "async");
    }

    @Test
    void theCapacityIsTheHighestPassOfTheClientsSearchAndEveryStepIsInTheReport() throws IOException {
        SuiteResults suite = SuiteResults.load(results);
        String markdown = Files.readString(results.resolve("report.md"));
        assertThat(markdown).contains("## Capacity, searched");
        for (String model : List.of("threads", "async")) {
            SearchDocument search = SuiteResults.mapper().readValue(results.resolve("runs")
                    .resolve("capacity-" + model + "-r1").resolve(SearchDocument.FILE_NAME).toFile(), SearchDocument.class);
            assertThat(search.sloGoodput()).isEqualTo(0.99);
            assertThat(search.steps()).hasSizeBetween(2, 8);
            double highestPass = search.steps().stream().filter(SearchStep::passed).mapToDouble(SearchStep::rateHz)
                    .max().orElseThrow();
            assertThat(suite.capacities().get(model)).isEqualTo(highestPass).isEqualTo(search.capacityRps());
            assertThat(search.steps()).anyMatch(step -> !step.passed());
            for (SearchStep step : search.steps()) {
                assertThat(markdown).as(model + " step " + step.number()).containsPattern("\\| capacity-" + model
                        + " \\| " + step.number() + " \\| " + step.stage() + " \\| [0-9,]+ \\| [0-9,]+ \\| ");
            }
        }
    }

    @Test
    void theReportsNumbersAreTheResultFilesNumbers() throws IOException {
        String markdown = Files.readString(results.resolve("report.md"));
        SuiteResults suite = SuiteResults.load(results);
        for (String model : List.of("threads", "async")) {
            List<ResultDocument> repeats = repeats(suite, "models-" + model + "-fifo-c4");
            List<String> cells = cells(markdown, "| " + model + " | fifo | ");
            assertThat(cells.get(5)).as("req/s of " + model)
                    .isEqualTo(medianAndRange(repeats.stream().map(ResultDocument::successfulThroughputRps).toList(), 0));
            assertThat(cells.get(7)).as("p99 of " + model)
                    .isEqualTo(medianAndRange(repeats.stream().map(r -> r.histograms().get("latency").p99Ms()).toList(), 2));
            for (String lane : List.of("fifo", "lifo")) {
                for (int load : List.of(50, 120)) {
                    List<ResultDocument> overload = repeats(suite, "overload-" + model + "-" + lane + "-" + load + "pct");
                    List<String> row = cells(markdown, "| " + model + " | " + lane + " | " + load + "% | ");
                    assertThat(row.get(5)).as("goodput of " + model + " " + lane + " " + load)
                            .isEqualTo(medianAndRange(overload.stream().map(ResultDocument::successfulThroughputRps).toList(), 0));
                    assertThat(row.get(14)).as("the machine's wake-up p99 beside " + model + " " + lane + " " + load)
                            .isEqualTo(medianAndRange(overload.stream().map(r -> r.wakeupLatency().p99Ms()).toList(), 1));
                }
            }
        }
    }

    /**
     * The two repeats of a cell. The report's figures are over both, disturbed or not: leaving a
     * disturbed repeat out needs two clean ones to remain.
     */
    private static List<ResultDocument> repeats(SuiteResults suite, String cell) {
        List<SuiteResults.Run> runs = suite.runs().stream().filter(run -> run.record().cell().equals(cell)).toList();
        assertThat(runs).as(cell).hasSize(2);
        return runs.stream().map(SuiteResults.Run::result).toList();
    }

    /** The median of two values and their range, as the report writes them: {@code 1,234 (1,200–1,268)}. */
    private static String medianAndRange(List<Double> values, int decimals) {
        double low = Math.min(values.get(0), values.get(1));
        double high = Math.max(values.get(0), values.get(1));
        String format = "%,." + decimals + "f";
        if (String.format(Locale.ROOT, format, low).equals(String.format(Locale.ROOT, format, high))) {
            return String.format(Locale.ROOT, format, (low + high) / 2); // one value: no range shown
        }
        return String.format(Locale.ROOT, format + " (" + format + "–" + format + ")", (low + high) / 2, low, high);
    }

    private static List<String> cells(String markdown, String prefix) {
        Matcher m = Pattern.compile("^" + Pattern.quote(prefix) + ".*$", Pattern.MULTILINE).matcher(markdown);
        assertThat(m.find()).as("a row starting " + prefix).isTrue();
        return List.of(m.group().split("\\s*\\|\\s*"));
    }

    @Test
    void theReportStatesItsFindingsAndEveryRunsMachine() throws IOException {
        String markdown = Files.readString(results.resolve("report.md"));
        assertThat(markdown).as("the warm-ups, servers (1 s at least) and how they ended")
                .containsPattern("- \\*\\*warm-ups\\*\\*: each at least its --server-warmup or --balancer-warmup,"
                        + " then on by 2 s while the JIT compiler threads of the processes it warmed used more than"
                        + " 0\\.1 core, 3 s at most \\(--settle-limit\\); servers \\(1 s at least\\): ");
        assertThat(markdown).contains("## Findings").contains("At 120% of capacity, threads: ")
                .containsPattern("(fifo over lifo|lifo over fifo): ")
                .containsPattern("At 120% of capacity, threads: [^\\n]* of the offered load as goodput")
                .containsPattern("At 120% of capacity, threads: [^\\n]* of the offered requests answered in time")
                .contains("## The machine during every run");
        SuiteResults suite = SuiteResults.load(results);
        for (SuiteResults.Run run : suite.runs()) {
            assertThat(markdown).contains("| " + run.record().cell() + " | " + run.record().repeat() + " | ");
        }
        String csv = Files.readString(results.resolve("results.csv"));
        assertThat(csv.lines().findFirst().orElseThrow()).startsWith("id,cell,repeat,phase,")
                .contains(",foreign_cores,machine_steal,disturbed,disturbance,");
        assertThat(csv.lines().count()).isEqualTo(1 + suite.runs().size());
    }

    @Test
    void everyServerIsWarmedUpUntilItsCompilersAreQuietOrTheLimitIsReached() throws IOException {
        List<WarmUp> warmUps = SuiteResults.load(results).suite().warmUps();
        // a capacity search per model, then per round a server per model for each of the two phases
        assertThat(warmUps).hasSize(2 + 2 * 2 * 2);
        for (WarmUp warmUp : warmUps) {
            assertThat(warmUp.processes()).as(warmUp.target()).isEqualTo(1);
            // 1 s, then 2 s more while the compilers used over 0.1 core, up to the limit of 3 s
            switch (warmUp.ending()) {
                case SETTLED -> assertThat(warmUp.compilerCores()).as(warmUp.target())
                        .isLessThanOrEqualTo(WarmUp.SETTLED_COMPILER_CORES);
                case LIMIT -> assertThat(warmUp.compilerCores()).as(warmUp.target())
                        .isGreaterThan(WarmUp.SETTLED_COMPILER_CORES);
                default -> throw new AssertionError(warmUp.target() + " ended " + warmUp.ending());
            }
            assertThat(warmUp.seconds()).as(warmUp.target()).isIn(1.0, 3.0);
            if (warmUp.ending() == WarmUp.Ending.LIMIT) {
                assertThat(warmUp.seconds()).as(warmUp.target()).isEqualTo(3.0);
            }
        }
        assertThat(warmUps).as("a fresh JVM under load compiles: the compiler threads were found and read")
                .anyMatch(warmUp -> warmUp.compilerCores() > 0);
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
        ReportPageCheck.assertEveryChartDrawn(ReportPageCheck.open(html, scratch), 5);
        Path png = results.resolve("report.png");
        HeadlessChromium.screenshot(html, png, scratch);
        assertThat(png).isRegularFile();
        assertThat(Files.size(png)).isGreaterThan(20_000);
    }

    @Test
    void theShippedPageCarriesNoTestInstrumentation() throws IOException {
        assertThat(Files.readString(results.resolve("report.html")))
                .doesNotContain("getImageData").doesNotContain("data-drawn").doesNotContain("loadlab-check");
    }

    @Test
    void theBrowserCheckFailsWhenAChartIsEmpty() throws Exception {
        // The goodput chart's series, stripped of their points: the chart draws axes and nothing else.
        Path broken = reportWithChartData("broken.html",
                series -> series.forEach(one -> ((ObjectNode) one).putArray("points")));
        assertThat(ReportPageCheck.open(broken, scratch).emptyCharts()).containsExactly("goodput");
    }

    @Test
    void identicalSeriesAreAllDrawn() throws Exception {
        // Every goodput series given the first one's points, as when all disciplines keep up with the load.
        Path identical = reportWithChartData("identical.html", series -> {
            assertThat(series.size()).as("goodput series").isGreaterThanOrEqualTo(2);
            series.forEach(one -> ((ObjectNode) one).set("points", series.get(0).get("points").deepCopy()));
        });
        assertThat(ReportPageCheck.open(identical, scratch).emptyCharts()).isEmpty();
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
