package dev.loadlab.suite.report;

import static dev.loadlab.suite.report.Format.number;
import static dev.loadlab.suite.report.Format.percent;

import dev.loadlab.suite.results.MachineShare;
import dev.loadlab.suite.results.SuiteResults;
import dev.loadlab.suite.results.SuiteResults.Run;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's tables: one per phase (and one for the overload runs' time split), a row per cell
 * with each figure's median over its repeats and their range, and at the end every run's machine.
 */
final class ReportTables {
    private ReportTables() {
    }

    static List<Table> of(SuiteResults results) {
        List<Table> tables = new ArrayList<>();
        List<Cell> models = Cell.of(results.phase("models"));
        if (!models.isEmpty()) {
            tables.add(new Table("models", "Throughput and latency by concurrency (closed loop)",
                    "Each model with its natural worker count, C clients each sending its next request when the last is"
                            + " answered. Latency from the actual send (a closed loop cannot see a stall more than once);"
                            + " CPU per 10k requests over the measured window." + repeatsNote(results),
                    List.of("model", "lane", "workers", "concurrency", "req/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms",
                            "failed", "server CPU-s/10k", "client CPU-s/10k", "note"),
                    models.stream().map(ReportTables::closedRow).toList()));
        }
        tables.addAll(CapacityTables.of(results));
        List<Cell> overload = Cell.of(results.phase("overload"));
        if (!overload.isEmpty()) {
            tables.add(overloadTable(overload, results));
            tables.add(new Table("split", "Where the time went: queue wait and service (server-side)",
                    "queued_ms and service_ms as each answer reported them: the wait in the lane, and the time in service.",
                    List.of("model", "lane", "load", "queue p50 ms", "queue p99 ms", "service p50 ms", "service p99 ms"),
                    overload.stream().filter(Cell::measuredAtAll).map(cell -> List.of(cell.model(), cell.discipline(),
                            percent(cell.record().loadFraction()),
                            cell.spread(run -> run.histogram("server_queued").p50Ms()).format(2),
                            cell.spread(run -> run.histogram("server_queued").p99Ms()).format(2),
                            cell.spread(run -> run.histogram("server_service").p50Ms()).format(2),
                            cell.spread(run -> run.histogram("server_service").p99Ms()).format(2))).toList()));
        }
        tables.addAll(StrategyTables.of(results));
        tables.addAll(JmhTables.of(results));
        if (!results.runs().isEmpty()) {
            tables.add(machineTable(results));
        }
        return tables;
    }

    static String repeatsNote(SuiteResults results) {
        int repeats = results.settings().repeats();
        return repeats <= 1 ? "" : " Each figure is the median of the cell's " + repeats + " repeats, then their range"
                + " (min–max); repeats the machine disturbed are left out when at least " + Cell.ENOUGH_CLEAN
                + " clean ones remain.";
    }

    private static Table overloadTable(List<Cell> overload, SuiteResults results) {
        List<List<String>> rows = new ArrayList<>();
        for (Cell cell : overload) {
            if (!cell.measuredAtAll()) {
                rows.add(failedRow(cell, 15));
                continue;
            }
            double offered = cell.record().rateHz();
            rows.add(List.of(cell.model(), cell.discipline(), percent(cell.record().loadFraction()),
                    number(offered, 0), cell.spread(Run::successfulRps).format(0),
                    cell.spread(run -> goodputFraction(run)).formatPercent(),
                    cell.spread(ReportTables::answeredInTimeFraction).formatPercent(),
                    cell.spread(run -> run.histogram("latency").p50Ms()).format(1),
                    cell.spread(run -> run.histogram("latency").p99Ms()).format(1),
                    cell.spread(run -> run.failures("timeout")).format(0),
                    cell.spread(run -> run.answers("503")).format(0),
                    cell.spread(run -> run.histogram("server_queued").p99Ms()).format(1),
                    cell.spread(run -> run.histogram("dispatch_lag").p99Ms()).format(1),
                    cell.spread(Run::wakeupP99Ms).format(1), note(cell)));
        }
        int deadline = overload.getFirst().record().timeoutMillis();
        return new Table("overload", "Goodput under overload (open loop, " + deadline + " ms client deadline)",
                "Each model with few workers, so that its lane is the bottleneck; its capacity measured first,"
                        + " then requests sent on a fixed schedule at a fraction of it. Goodput = answers within the"
                        + " client's deadline, per second of the run up to its last answer (a request not answered"
                        + " by then is abandoned, as a user gives up); answered in time = the share of the offered"
                        + " requests answered 2xx within the deadline, whenever their answers came. A queue that grows"
                        + " through a short run lowers the first (its last answers come late) before the second."
                        + " Latency from each request's intended send time: no coordinated omission."
                        + repeatsNote(results),
                List.of("model", "lane", "load", "offered req/s", "goodput req/s", "goodput/offered",
                        "answered in time", "p50 ms", "p99 ms", "timeouts", "503s", "server queue p99 ms",
                        "client lag p99 ms", "machine wake-up p99 ms", "note"), rows);
    }

    /**
     * The share of the requests offered that were answered successfully (2xx) within the deadline:
     * the client's successful over its sent. Unlike {@link #goodputFraction}, no window: a run's
     * last slow answers, which stretch the window past the schedule, do not count against it (a
     * 160 ms tail after 2 s costs goodput/offered about 7% with every request answered in time).
     */
    static double answeredInTimeFraction(Run run) {
        return run.sent() > 0 ? (run.sent() - run.failed()) / (double) run.sent() : Double.NaN;
    }

    /** Answers within the deadline per second, as a fraction of the offered rate. */
    static double goodputFraction(Run run) {
        double offered = run.record().rateHz();
        return offered > 0 ? run.successfulRps() / offered : Double.NaN;
    }

    /**
     * Every run's machine over its measured window: busy, the suite's own processes, the rest
     * (foreign), steal; and whether that disturbed it.
     */
    private static Table machineTable(SuiteResults results) {
        List<List<String>> rows = new ArrayList<>();
        for (Run run : results.runs()) {
            MachineShare m = run.record().machine();
            if (m == null) {
                continue;
            }
            rows.add(List.of(run.record().cell(), String.valueOf(run.record().repeat()), number(m.windowSeconds(), 1),
                    number(m.busyCores(), 2), number(m.ownCores(), 2), number(m.foreignCores(), 2),
                    String.format(Locale.ROOT, "%.1f%%", m.stealFraction() * 100),
                    m.disturbed() ? "⚠ disturbed: " + m.disturbance() : "clean"));
        }
        MachineShare start = results.suite().machineAtStart();
        return new Table("machine", "The machine during every run",
                "CPU in cores over each run's measured window, from /proc/stat and each process's /proc/<pid>/stat:"
                        + " busy is the whole machine, own is the suite's processes (client, servers, balancer and"
                        + " the suite itself), foreign is the rest; steal is what the hypervisor took. A run is"
                        + " disturbed when foreign CPU exceeds " + MachineShare.FOREIGN_CORES_LIMIT
                        + " cores or steal " + percent(MachineShare.STEAL_LIMIT) + "."
                        + (start == null ? "" : String.format(Locale.ROOT, " Before the suite started, the rest of"
                                + " the machine used %.2f cores (steal %.1f%%)%s.", start.foreignCores(),
                                start.stealFraction() * 100, start.disturbed() ? ": it was already busy" : "")),
                List.of("cell", "repeat", "window s", "busy cores", "own cores", "foreign cores", "steal", "verdict"),
                rows);
    }

    private static List<String> closedRow(Cell cell) {
        if (!cell.measuredAtAll()) {
            return failedRow(cell, 13);
        }
        return List.of(cell.model(), cell.discipline(), String.valueOf(cell.record().workers()),
                String.valueOf(cell.record().concurrency()), cell.spread(Run::successfulRps).format(0),
                cell.spread(run -> run.histogram("latency").p50Ms()).format(2),
                cell.spread(run -> run.histogram("latency").p99Ms()).format(2),
                cell.spread(run -> run.histogram("latency").p999Ms()).format(2),
                cell.spread(run -> run.histogram("latency").maxMs()).format(2),
                cell.spread(Run::failed).format(0), cell.spread(Run::serverCpuPer10k).format(3),
                cell.spread(Run::clientCpuPer10k).format(3), note(cell));
    }

    static List<String> failedRow(Cell cell, int width) {
        List<String> row = new ArrayList<>(List.of(cell.model(), cell.discipline() == null ? "—" : cell.discipline()));
        while (row.size() < width - 1) {
            row.add("—");
        }
        String note = cell.record().note();
        row.add("not measured: " + (note == null ? "" : note));
        return row;
    }

    /** What a reader must know about a cell's figures: disturbance, client limits, failures. */
    static String note(Cell cell) {
        List<String> notes = new ArrayList<>();
        int measured = cell.measured().size();
        List<Run> disturbed = cell.disturbed();
        if (!disturbed.isEmpty()) {
            String of = measured > 1 ? " in " + disturbed.size() + " of " + measured + " repeats" : "";
            notes.add("⚠ disturbed" + of + " (" + disturbed.getFirst().record().machine().disturbance() + ")"
                    + (cell.leavesOutDisturbed() ? ": left out of the figures" : ": not a clean figure"));
        }
        Map<String, Integer> limits = new LinkedHashMap<>();
        cell.used().forEach(run -> run.clientLimit().ifPresent(limit -> limits.merge(limit, 1, Integer::sum)));
        if (!limits.isEmpty()) {
            int limited = limits.values().stream().mapToInt(Integer::intValue).sum();
            String of = cell.used().size() > 1 ? " in " + limited + " of " + cell.used().size() + " repeats" : "";
            notes.add("⚠ " + limits.keySet().iterator().next() + of + ": not a server figure");
        }
        cell.runs().stream().map(run -> run.record().note()).filter(n -> n != null).distinct().forEach(notes::add);
        return String.join("; ", notes);
    }
}
