package dev.loadlab.suite.report;

import static dev.loadlab.suite.report.Format.percent;

import dev.loadlab.suite.results.SuiteResults;
import dev.loadlab.suite.results.SuiteResults.Run;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The strategy study's tables: one per scenario, a row per strategy and load. */
final class StrategyTables {
    private StrategyTables() {
    }

    static List<Table> of(SuiteResults results) {
        List<Table> tables = new ArrayList<>();
        List<Cell> cells = Cell.of(results.phase("strategies"));
        for (String scenario : scenarios(cells)) {
            List<Cell> ofScenario = cells.stream().filter(cell -> scenario.equals(cell.record().scenario())).toList();
            boolean even = scenario.equals("even");
            List<List<String>> rows = new ArrayList<>();
            for (Cell cell : ofScenario) {
                if (!cell.measuredAtAll()) {
                    rows.add(ReportTables.failedRow(cell, 15));
                    continue;
                }
                rows.add(List.of(cell.record().strategy(), percent(cell.record().loadFraction()),
                        Format.number(cell.record().rateHz(), 0), cell.spread(Run::successfulRps).format(0),
                        cell.spread(ReportTables::goodputFraction).formatPercent(),
                        cell.spread(ReportTables::answeredInTimeFraction).formatPercent(),
                        cell.spread(run -> run.histogram("latency").p50Ms()).format(1),
                        cell.spread(run -> run.histogram("latency").p99Ms()).format(1),
                        cell.spread(run -> run.histogram("latency").p999Ms()).format(1),
                        cell.spread(run -> run.failures("timeout")).format(0),
                        cell.spread(run -> run.failed() - run.failures("timeout")).format(0),
                        even ? cell.spread(StrategyTables::fairness).format(3)
                                : cell.spread(StrategyTables::faultyShare).formatPercent(),
                        shares(cell.used().getFirst()),
                        cell.spread(Run::balancerCpuPer10k).format(3), ReportTables.note(cell)));
            }
            tables.add(new Table("strategies-" + scenario, "Strategies: " + title(scenario, results),
                    explanation(scenario, results) + ReportTables.repeatsNote(results),
                    List.of("strategy", "load", "offered req/s", "goodput req/s", "goodput/offered",
                            "answered in time", "p50 ms", "p99 ms", "p99.9 ms", "timeouts", "other errors",
                            even ? "fairness (Jain)" : "to the faulty backend", "shares (first repeat)",
                            "balancer CPU-s/10k", "note"), rows));
        }
        return tables;
    }

    static List<String> scenarios(List<Cell> cells) {
        return cells.stream().map(cell -> cell.record().scenario()).filter(s -> s != null).distinct().toList();
    }

    private static String title(String scenario, SuiteResults results) {
        return switch (scenario) {
            case "even" -> "even backends";
            case "one-slow" -> "one backend " + results.settings().slowdown() + "× slower";
            case "pause" -> "one backend paused 300 ms every 2 s";
            case "kill" -> "one backend killed, then restarted";
            default -> scenario;
        };
    }

    private static String explanation(String scenario, SuiteResults results) {
        String setup = results.settings().instances() + " " + results.settings().balancerModel() + " backends of "
                + results.settings().overloadWorkers() + " workers behind one balancer per scenario and repeat, warmed up"
                + " for " + results.settings().balancerWarmupSeconds() + " s and then switched to each strategy in turn"
                + " (a fresh instance, the backends' ejections and latency averages forgotten); an open loop with the"
                + " client's deadline at a fraction of the capacity measured through the balancer with even backends."
                + " Shares are of the requests the balancer sent each backend during the run (from its /stats before"
                + " and after, the client's warm-up included).";
        return setup + switch (scenario) {
            case "even" -> " Fairness is Jain's index of the backends' shares: 1 when all got the same.";
            case "one-slow" -> " The first backend runs with --slowdown " + results.settings().slowdown()
                    + ": every request costs it that many times the work. A strategy that sends it its even share"
                    + " overloads it.";
            case "pause" -> " The first backend is stopped with SIGSTOP for 300 ms every 2 s (as a stop-the-world"
                    + " pause or a stalled VM), its connections open: only its silence shows.";
            case "kill" -> " The first backend is killed with SIGKILL a third of the way in and started again at"
                    + " two thirds, on the same port.";
            default -> "";
        };
    }

    /**
     * What the balancer sent each backend during the run (its /stats), or, if it did not say, the
     * answers per X-Backend the client counted (which leave out requests that timed out).
     */
    static Map<String, Long> routed(Run run) {
        return run.record().routed() != null ? run.record().routed() : run.backends();
    }

    /** The faulty backend's share of the requests the balancer routed. */
    static double faultyShare(Run run) {
        String faulty = run.record().faultyBackend();
        Map<String, Long> routed = routed(run);
        long total = routed.values().stream().mapToLong(Long::longValue).sum();
        return faulty == null || total == 0 ? Double.NaN : routed.getOrDefault(faulty, 0L) / (double) total;
    }

    /**
     * Jain's fairness index of the backends' shares: (Σx)² / (n·Σx²), 1 when every backend got the
     * same, 1/n when one got everything. A configured backend with no answer counts as 0.
     */
    static double fairness(Run run) {
        int n = run.record().instances();
        double sum = 0;
        double squares = 0;
        for (long answers : routed(run).values()) {
            sum += answers;
            squares += (double) answers * answers;
        }
        return squares == 0 ? Double.NaN : sum * sum / (n * squares);
    }

    private static String shares(Run run) {
        Map<String, Long> backends = routed(run);
        long total = backends.values().stream().mapToLong(Long::longValue).sum();
        List<String> parts = new ArrayList<>();
        backends.forEach((name, n) -> parts.add(name + " " + percent(total == 0 ? 0 : (double) n / total)));
        return String.join(", ", parts);
    }
}
