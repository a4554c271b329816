package dev.loadlab.suite.report;

import dev.loadlab.suite.results.SuiteResults;
import dev.loadlab.suite.results.SuiteResults.Run;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.loadlab.suite.report.Format.number;
import static dev.loadlab.suite.report.Format.percent;

/** The report's tables, one per phase (and one for the overload runs' time split), from the runs. */
final class ReportTables {
    private ReportTables() {
    }

    static List<Table> of(SuiteResults results) {
        List<Table> tables = new ArrayList<>();
        List<Run> models = results.phase("models");
        if (!models.isEmpty()) {
            tables.add(new Table("models", "Throughput and latency by concurrency (closed loop)",
                    "Each model with its natural worker count, C clients each sending its next request when the last is"
                            + " answered. Latency from the actual send (a closed loop cannot see a stall more than once);"
                            + " CPU per 10k requests over the measured window.",
                    List.of("model", "lane", "workers", "concurrency", "req/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms",
                            "failed", "server CPU-s/10k", "client CPU-s/10k", "note"),
                    models.stream().map(ReportTables::closedRow).toList()));
        }
        List<Run> overload = results.phase("overload");
        if (!overload.isEmpty()) {
            tables.add(overloadTable(overload));
            tables.add(new Table("split", "Where the time went: queue wait and service (server-side)",
                    "queued_ms and service_ms as each answer reported them: the wait in the lane, and the time in service.",
                    List.of("model", "lane", "load", "queue p50 ms", "queue p99 ms", "service p50 ms", "service p99 ms"),
                    overload.stream().filter(Run::measured).map(run -> List.of(run.model(), run.discipline(),
                            percent(run.record().loadFraction()),
                            number(run.histogram("server_queued").p50Ms(), 2),
                            number(run.histogram("server_queued").p99Ms(), 2),
                            number(run.histogram("server_service").p50Ms(), 2),
                            number(run.histogram("server_service").p99Ms(), 2))).toList()));
        }
        List<Run> balancer = results.phase("balancer");
        if (!balancer.isEmpty()) {
            tables.add(balancerTable(balancer));
        }
        return tables;
    }

    private static Table overloadTable(List<Run> overload) {
        List<List<String>> rows = new ArrayList<>();
        for (Run run : overload) {
            if (!run.measured()) {
                rows.add(failedRow(run, 13));
                continue;
            }
            double offered = run.record().rateHz();
            rows.add(List.of(run.model(), run.discipline(), percent(run.record().loadFraction()),
                    number(offered, 0), number(run.successfulRps(), 0),
                    percent(offered > 0 ? run.successfulRps() / offered : 0),
                    number(run.histogram("latency").p50Ms(), 1), number(run.histogram("latency").p99Ms(), 1),
                    String.valueOf(run.failures("timeout")), String.valueOf(run.answers("503")),
                    number(run.histogram("server_queued").p99Ms(), 1),
                    number(run.histogram("dispatch_lag").p99Ms(), 1), note(run)));
        }
        int deadline = overload.getFirst().record().timeoutMillis();
        return new Table("overload", "Goodput under overload (open loop, " + deadline + " ms client deadline)",
                "Each model with few workers, so that its lane is the bottleneck; its capacity measured first,"
                        + " then requests sent on a fixed schedule at a fraction of it. Goodput = answers within the"
                        + " client's deadline, per second (a request not answered by then is abandoned, as a user"
                        + " gives up). Latency from each request's intended send time: no coordinated omission.",
                List.of("model", "lane", "load", "offered req/s", "goodput req/s", "goodput/offered", "p50 ms",
                        "p99 ms", "timeouts", "503s", "server queue p99 ms", "client lag p99 ms", "note"), rows);
    }

    private static Table balancerTable(List<Run> balancer) {
        List<List<String>> rows = new ArrayList<>();
        for (Run run : balancer) {
            if (!run.measured()) {
                rows.add(failedRow(run, 9));
                continue;
            }
            rows.add(List.of(run.model() + " ×" + run.record().instances(), run.record().strategy(),
                    String.valueOf(run.record().concurrency()), number(run.successfulRps(), 0),
                    number(run.histogram("latency").p50Ms(), 2), number(run.histogram("latency").p99Ms(), 2),
                    number(run.balancerCpuPer10k(), 3), number(run.serverCpuPer10k(), 3), spread(run.backends())));
        }
        return new Table("balancer", "Through the balancer",
                "N instances behind loadlab's balancer, closed loop. The spread counts answers per X-Backend;"
                        + " the balancer's CPU per request next to the backends' shows what the proxy costs.",
                List.of("backends", "strategy", "concurrency", "req/s", "p50 ms", "p99 ms", "balancer CPU-s/10k",
                        "backends CPU-s/10k", "spread"), rows);
    }

    private static List<String> closedRow(Run run) {
        if (!run.measured()) {
            return failedRow(run, 13);
        }
        return List.of(run.model(), run.discipline(), String.valueOf(run.record().workers()),
                String.valueOf(run.record().concurrency()),
                number(run.successfulRps(), 0), number(run.histogram("latency").p50Ms(), 2),
                number(run.histogram("latency").p99Ms(), 2), number(run.histogram("latency").p999Ms(), 2),
                number(run.histogram("latency").maxMs(), 2), String.valueOf(run.failed()),
                number(run.serverCpuPer10k(), 3), number(run.clientCpuPer10k(), 3), note(run));
    }

    private static List<String> failedRow(Run run, int width) {
        List<String> row = new ArrayList<>(List.of(run.model(), run.discipline() == null ? "—" : run.discipline()));
        while (row.size() < width - 1) {
            row.add("—");
        }
        row.add("not measured: " + (run.record().note() == null ? "" : run.record().note()));
        return row;
    }

    private static String note(Run run) {
        List<String> notes = new ArrayList<>();
        run.clientLimit().ifPresent(limit -> notes.add("⚠ " + limit + ": not a server figure"));
        if (run.record().note() != null) {
            notes.add(run.record().note());
        }
        return String.join("; ", notes);
    }

    private static String spread(Map<String, Long> backends) {
        long total = backends.values().stream().mapToLong(Long::longValue).sum();
        List<String> parts = new ArrayList<>();
        backends.forEach((name, n) -> parts.add(name + " " + percent(total == 0 ? 0 : (double) n / total)));
        return String.join(", ", parts);
    }
}
