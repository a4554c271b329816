package dev.loadlab.client.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import dev.loadlab.client.record.FailureCause;
import dev.loadlab.client.record.HistogramKind;
import dev.loadlab.client.record.WakeupProbe;

/**
 * The human-readable result block printed at the end of a run. It starts with the seed
 * client's lines, labels unchanged, so scripts that read them keep working. Stateless.
 */
public final class TextReport {
    private static final List<Row> PERCENTILE_ROWS = List.of(
            new Row("p50", HistogramSummary::p50Ms), new Row("p75", HistogramSummary::p75Ms),
            new Row("p90", HistogramSummary::p90Ms), new Row("p99", HistogramSummary::p99Ms),
            new Row("p99.9", HistogramSummary::p999Ms), new Row("p99.99", HistogramSummary::p9999Ms),
            new Row("max", HistogramSummary::maxMs));

    private record Row(String label, ToDoubleFunction<HistogramSummary> valueMs) {
    }

    private TextReport() {
    }

    public static void print(ResultDocument result, PrintWriter out) {
        HistogramSummary latency = result.histograms().get(HistogramKind.LATENCY.tag());
        out.println("Successful Requests: " + result.counts().successful());
        out.println("Failed Requests: " + result.counts().failed());
        out.println("Total Time: " + WrkUnits.formatMicros(result.totalTimeMs() * 1_000));
        out.println("Average Response Time: " + millis(latency.meanMs()));
        out.println("Throughput: " + rate(result.throughputRps()));
        printErrorSummary(result, out);
        printPercentiles(result, out);
        out.println("Successful Throughput: " + rate(result.successfulThroughputRps()));
        out.println("Total Throughput: " + rate(result.throughputRps()));
        printSchedule(result, out);
        printServerTimes(result, out);
        printClientCpu(result, out);
        printGenerators(result, out);
        if (!result.backends().isEmpty()) {
            out.println("Backends (X-Backend): " + joined(result.backends()));
        }
        out.flush();
    }

    private static void printErrorSummary(ResultDocument result, PrintWriter out) {
        if (result.failures().isEmpty()) {
            out.println("Error Summary: none");
            return;
        }
        out.println("Error Summary:");
        result.failures().forEach((cause, count) -> {
            StringBuilder line = new StringBuilder("  ").append(cause).append(": ").append(count);
            if (FailureCause.isStatus(cause)) {
                String status = cause.substring(cause.indexOf('_') + 1) + " ";
                List<String> codes = new ArrayList<>();
                result.errorCodes().forEach((key, n) -> {
                    if (key.startsWith(status)) {
                        codes.add(key.substring(status.length()) + " " + n);
                    }
                });
                if (!codes.isEmpty()) {
                    line.append(" (").append(String.join(", ", codes)).append(')');
                }
            } else if (FailureCause.TIMEOUT.equals(cause) && result.counts().sweptTimeouts() > 0) {
                line.append(" (").append(result.counts().sweptTimeouts()).append(" given up by the watchdog, unanswered at the timeout)");
            }
            out.println(line);
        });
    }

    private static void printPercentiles(ResultDocument result, PrintWriter out) {
        boolean openLoop = result.schedule() != null;
        List<HistogramSummary> columns = openLoop
                ? List.of(result.histograms().get(HistogramKind.LATENCY.tag()),
                        result.histograms().get(HistogramKind.LATENCY_UNCORRECTED.tag()),
                        result.histograms().get(HistogramKind.DISPATCH_LAG.tag()))
                : List.of(result.histograms().get(HistogramKind.LATENCY.tag()));
        if (openLoop) {
            out.println(String.format(Locale.ROOT, "Latency %14s %14s %14s",
                    "from intended", "from sent", "dispatch lag"));
        } else {
            out.println(String.format(Locale.ROOT, "Latency %14s", "closed loop"));
        }
        for (Row row : PERCENTILE_ROWS) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-6s", row.label()));
            for (HistogramSummary column : columns) {
                line.append(String.format(Locale.ROOT, " %14s", millis(row.valueMs().applyAsDouble(column))));
            }
            out.println(line);
        }
    }

    private static void printSchedule(ResultDocument result, PrintWriter out) {
        ResultDocument.Schedule schedule = result.schedule();
        if (schedule == null) {
            return;
        }
        HistogramSummary lag = result.histograms().get(HistogramKind.DISPATCH_LAG.tag());
        out.println(String.format(Locale.ROOT,
                "Schedule: %s %s target, %d sent, achieved %s; dispatch lag p99 %s, max %s; %d late (> %s)",
                schedule.arrival(), rate(schedule.targetRateHz()), schedule.sent(), rate(schedule.achievedRateHz()),
                millis(lag.p99Ms()), millis(lag.maxMs()), schedule.lateRequests(), millis(schedule.lateThresholdMs())));
        if (schedule.behindSchedule()) {
            out.println(String.format(Locale.ROOT, "WARNING: the generator fell behind its schedule with %d"
                    + " connections. Every request was still sent; latencies from intended send time include the"
                    + " lag: the server was too slow for this many connections, or the client was short of CPU"
                    + " (see Client CPU).", schedule.connections()));
        }
    }

    private static void printServerTimes(ResultDocument result, PrintWriter out) {
        for (HistogramKind kind : List.of(HistogramKind.SERVER_QUEUED, HistogramKind.SERVER_SERVICE)) {
            HistogramSummary summary = result.histograms().get(kind.tag());
            if (summary.count() > 0) {
                out.println(String.format(Locale.ROOT, "Server %s: p50 %s, p90 %s, p99 %s, max %s (%d answers)",
                        kind.description().substring("server ".length()), millis(summary.p50Ms()),
                        millis(summary.p90Ms()), millis(summary.p99Ms()), millis(summary.maxMs()), summary.count()));
            }
        }
    }

    private static void printClientCpu(ResultDocument result, PrintWriter out) {
        String machine = result.machineCpuUtilization() == null ? ""
                : String.format(Locale.ROOT, ", machine %.0f%% busy", result.machineCpuUtilization() * 100);
        if (result.machineCpuSteal() != null && result.machineCpuSteal() > 0) {
            machine += String.format(Locale.ROOT, ", %.1f%% stolen by the hypervisor", result.machineCpuSteal() * 100);
        }
        out.println(String.format(Locale.ROOT, "Client CPU: %.2fs, %.3fs per 10k requests, %.0f%% of %d cores%s (%s)",
                result.clientCpuSeconds(), result.clientCpuPer10kRequests(), result.clientCpuUtilization() * 100,
                result.environment().cores(), machine, result.environment().transport()));
        WakeupProbe.Latency wakeups = result.wakeupLatency();
        if (wakeups != null && wakeups.samples() > 0) {
            out.println(String.format(Locale.ROOT, "Machine wake-ups (a thread of the client's sleeping %.0f ms at a time):"
                    + " late by p50 %s, p99 %s, max %s (%,d wake-ups)", wakeups.periodMs(),
                    WrkUnits.formatMicros(wakeups.p50Ms() * 1e3), WrkUnits.formatMicros(wakeups.p99Ms() * 1e3),
                    WrkUnits.formatMicros(wakeups.maxMs() * 1e3), wakeups.samples()));
        }
        if (result.clientLimit().limited()) {
            out.println("WARNING: the client was the limit of this run (client_limit): "
                    + String.join("; ", result.clientLimit().reasons())
                    + ". Do not read these figures as the server's.");
        } else {
            out.println("Client limit: none");
        }
        if (result.disturbed()) {
            out.println(String.format(Locale.ROOT, "WARNING: the hypervisor ran other machines for %.1f%% of this"
                    + " machine's CPU time (steal; disturbed): every figure ran on less CPU than it seems; run again on"
                    + " a quiet machine.", result.machineCpuSteal() * 100));
        }
    }

    /** A merge's generators and its warnings, or a generator's part in a fleet; nothing for a run alone. */
    private static void printGenerators(ResultDocument result, PrintWriter out) {
        ResultDocument.Merge merge = result.merge();
        if (merge != null) {
            out.println(String.format(Locale.ROOT, "Generators: %d merged, began within %s of each other"
                    + " (tolerance %s)", merge.generators().size(), millis(merge.startSpreadMs()),
                    millis(merge.startToleranceMs())));
            merge.warnings().forEach(warning -> out.println("WARNING: " + warning));
            return;
        }
        ResultDocument.Generator generator = result.generator();
        if (generator == null || generator.count() == 1 && generator.startAt() == null) {
            return;
        }
        String start = generator.startAt() == null ? "from its own start" : "measured from " + generator.startAt();
        String lateness = generator.lateStartMs() > 0
                ? "started " + millis(generator.lateStartMs()) + " late: the slots it missed left at once,"
                        + " late, in the dispatch lag"
                : "started on time";
        out.println("Generator: " + generator.index() + "/" + generator.count() + " of one shared timetable, "
                + start + "; " + lateness);
    }

    private static String millis(double ms) {
        return WrkUnits.formatMicros(ms * 1_000);
    }

    private static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%.2f req/s", perSecond);
    }

    private static String joined(Map<String, Long> counts) {
        List<String> parts = new ArrayList<>();
        counts.forEach((name, n) -> parts.add(name + " " + n));
        return String.join(", ", parts);
    }
}
