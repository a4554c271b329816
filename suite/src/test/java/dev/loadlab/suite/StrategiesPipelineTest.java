package dev.loadlab.suite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadlab.suite.plan.SuitePlan;
import dev.loadlab.suite.report.ReportPageCheck;
import dev.loadlab.suite.report.ReportWriter;
import dev.loadlab.suite.results.BackendIntervals;
import dev.loadlab.suite.results.SuiteResults;
import dev.loadlab.suite.run.SuiteRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny strategy study through the real balancer: two backends, one slowed, paused or killed,
 * round-robin against a latency-aware strategy, one-second runs; then its files, the
 * faulty backend's share, the faults undone, and the report.
 */
class StrategiesPipelineTest {
    @TempDir
    static Path scratch;
    private static Path results;
    private static SuiteResults suite;

    @BeforeAll
    @Timeout(value = 20, unit = TimeUnit.MINUTES) // tens of JVMs; far longer on a busy machine
    static void runATinyStudy() throws Exception {
        BuiltJars.assertFresh("client", "server-async", "balancer");
        results = scratch.resolve("results");
        // Few workers and 20 ms of I/O: the backends' lanes, not the CPU, are the limit even on a busy
        // machine, and the slow one (4 workers at 320 ms: 12.5 req/s) cannot keep up with half the load.
        SuitePlan plan = SuitePlan.builder(BuiltJars.HOME, results).phases(List.of("strategies"))
                .instances(2).overloadWorkers(4).ioMillis(20).deadlineMillis(1_000)
                .strategies(List.of("round-robin", "least-connections"))
                .scenarios(List.of("even", "one-slow", "pause", "kill")).strategyLoadFractions(List.of(0.6))
                .durationSeconds(1).warmupSeconds(1).serverWarmupSeconds(1).balancerWarmupSeconds(1).repeats(1)
                .settleLimitSeconds(0) // fixed warm-ups: settling is SuitePipelineTest's
                .clientJvmOptions(List.of("-Xmx256m")).serverJvmOptions(List.of("-Xmx256m")).build();
        new SuiteRunner(plan, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run();
        suite = SuiteResults.load(results);
        ReportWriter.writeAll(suite);
    }

    @Test
    void everyStrategyRanInEveryScenarioAndWasMeasured() throws IOException {
        List<SuiteResults.Run> runs = suite.phase("strategies");
        assertThat(runs).hasSize(2 * 4);
        for (SuiteResults.Run run : runs) {
            assertThat(run.measured()).as(run.id()).isTrue();
            assertThat(run.record().note()).as(run.id()).isNull();
            assertThat(run.sent()).as(run.id()).isPositive();
            assertThat(results.resolve(run.record().resultDir()).resolve("histograms.hlog")).isRegularFile();
            // Second by second, the answers per backend add up to the run's answers per backend.
            Map<String, Long> summed = new TreeMap<>();
            BackendIntervals.read(results.resolve(run.record().resultDir())).bySecond().values()
                    .forEach(second -> second.forEach((backend, answers) -> summed.merge(backend, answers, Long::sum)));
            assertThat(summed).as(run.id()).isEqualTo(new TreeMap<>(run.backends()));
        }
        assertThat(suite.capacities()).containsKey("balancer");
        assertThat(suite.phase("strategies-capacity")).hasSizeBetween(2, 8); // the search's steps
    }

    @Test
    void oneBalancerPerScenarioRunsEveryStrategyAndEachRunCountsOnlyItsOwnRequests() throws IOException {
        List<String> balancers = ListedProcess.readAll(results).stream().map(ListedProcess::name)
                .filter(name -> name.startsWith("balancer-")).toList();
        assertThat(balancers).as("balancer starts: the capacity search's, then one per scenario")
                .containsExactly("balancer-capacity", "balancer-even", "balancer-one-slow", "balancer-pause",
                        "balancer-kill");
        for (SuiteResults.Run run : suite.phase("strategies")) {
            if (run.record().scenario().equals("even")) {
                long routed = run.record().routed().values().stream().mapToLong(Long::longValue).sum();
                // The open loop's timetable: rate x (warm-up + measured seconds) requests in all.
                double offered = run.record().rateHz() * 2;
                assertThat((double) routed).as("%s: routed by the balancer during the run", run.id())
                        .isGreaterThanOrEqualTo(run.sent()).isLessThanOrEqualTo(offered * 1.05 + 2);
            }
        }
    }

    @Test
    void everyBalancerIsWarmedUpAsDeepAsItCanKeepInFlight() throws IOException {
        Path logs = results.resolve("logs");
        for (String balancer : List.of("balancer-capacity", "balancer-even", "balancer-one-slow", "balancer-pause",
                "balancer-kill")) {
            // 2 backends x the 256 in flight the suite gives each: every connection its pools can need is opened.
            assertThat(Files.readAllLines(logs.resolve("warmup-" + balancer + ".log")).getFirst()).as(balancer)
                    .startsWith("Running closed loop, 512 in flight");
        }
    }

    @Test
    void aLatencyAwareStrategySendsTheSlowBackendLessThanRoundRobin() {
        double roundRobin = slowShare("round-robin");
        double leastConnections = slowShare("least-connections");
        assertThat(leastConnections).as("least-connections' share, against round-robin's %.2f", roundRobin)
                .isLessThan(roundRobin);
    }

    private static double slowShare(String strategy) {
        SuiteResults.Run run = suite.runs().stream()
                .filter(r -> r.record().cell().equals("strategies-one-slow-" + strategy + "-60pct")).findFirst()
                .orElseThrow();
        assertThat(run.record().faultyBackend()).isEqualTo("async-b1-slow");
        assertThat(run.record().routed()).as("the balancer's own counts").containsOnlyKeys("async-b1-slow", "async-b2");
        long total = run.record().routed().values().stream().mapToLong(Long::longValue).sum();
        return run.record().routed().get("async-b1-slow") / (double) total;
    }

    @Test
    void aKilledBackendIsStartedAgainOnItsPortAndNoProcessOutlivesTheSuite() throws IOException {
        List<ListedProcess> processes = ListedProcess.readAll(results);
        // async-b1: once for the capacity, even and pause each, and in kill once plus a restart per run.
        long b1Starts = processes.stream().filter(p -> p.name().equals("async-b1")).count();
        assertThat(b1Starts).as("starts of async-b1 among %s",
                processes.stream().map(p -> p.name() + "@" + p.started()).toList()).isEqualTo(3 + 1 + 2);
        for (ListedProcess process : processes) {
            assertThat(process.running()).as("%s (pid %d) stopped", process.name(), process.pid()).isFalse();
        }
    }

    @Test
    void theReportHasATableAndChartsPerScenario() throws Exception {
        String markdown = Files.readString(results.resolve("report.md"));
        assertThat(markdown).contains("## Strategies: even backends").contains("## Strategies: one backend 16× slower")
                .contains("## Strategies: one backend paused 300 ms every 2 s")
                .contains("## Strategies: one backend killed, then restarted")
                .contains("one-slow at 60% of capacity, p99: ").contains("round-robin's p99")
                .contains("answered in time (");
        // The aim's share: requests answered within the deadline of those offered, whatever the window.
        SuiteResults.Run evenRoundRobin = suite.runs().stream()
                .filter(r -> r.record().cell().equals("strategies-even-round-robin-60pct")).findFirst().orElseThrow();
        String inTime = String.format(Locale.ROOT, "%.0f%%",
                100.0 * (evenRoundRobin.sent() - evenRoundRobin.failed()) / evenRoundRobin.sent());
        Matcher row = Pattern.compile("^\\| round-robin \\| 60% \\|.*$",
                Pattern.MULTILINE).matcher(markdown);
        assertThat(row.find()).as("the even table's round-robin row").isTrue();
        assertThat(row.group().split("\\s*\\|\\s*")[6]).as("answered in time").isEqualTo(inTime);
        assertThat(Files.readString(results.resolve("results.csv"))).contains(",strategies,");
        ReportPageCheck.Answer page = ReportPageCheck.open(results.resolve("report.html"), scratch);
        // p99, goodput and the spectrum per scenario; the faulty backend's share in the three that have one.
        ReportPageCheck.assertEveryChartDrawn(page, 3 * 4 + 3);
        assertThat(page.charts().has("p99-one-slow")).isTrue();
        assertThat(page.charts().has("spectrum-kill")).isTrue();
        assertThat(page.charts().has("share-one-slow")).isTrue();
        assertThat(page.charts().has("share-even")).as("even backends have no faulty one").isFalse();
    }
}
