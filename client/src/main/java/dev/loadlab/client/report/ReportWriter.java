package dev.loadlab.client.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadlab.client.report.SuiteResults.Run;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Turns a suite's results into {@code report.md} and a self-contained {@code report.html} (uPlot
 * and the data inlined: it reads offline). Every number comes from the runs' result files, so
 * the same folder always gives the same report; {@code client report DIR} regenerates it.
 */
public final class ReportWriter {
    private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";
    /** Percentile levels of the latency spectrum: 0 to 99.999, spaced as HdrHistogram's plotter spaces them. */
    private static final int TICKS_PER_HALF_DISTANCE = 4;

    private ReportWriter() {
    }

    public static void write(SuiteResults results) throws IOException {
        List<Table> tables = tables(results);
        Files.writeString(results.directory().resolve("report.md"), markdown(results, tables), StandardCharsets.UTF_8);
        Files.writeString(results.directory().resolve("report.html"), html(results, tables), StandardCharsets.UTF_8);
    }

    /** The summary table printed in the terminal at the end of a suite. */
    public static String summary(SuiteResults results) {
        StringBuilder out = new StringBuilder();
        for (Table table : tables(results)) {
            out.append(table.title()).append('\n');
            out.append(table.plain()).append('\n');
        }
        return out.toString();
    }

    // ---- tables --------------------------------------------------------------------------------

    /** A titled table with an explanation, printable as Markdown, HTML or plain text. */
    record Table(String id, String title, String explanation, List<String> header, List<List<String>> rows) {
        String markdown() {
            StringBuilder out = new StringBuilder();
            out.append("| ").append(String.join(" | ", header)).append(" |\n|");
            header.forEach(h -> out.append("---|"));
            out.append('\n');
            for (List<String> row : rows) {
                out.append("| ").append(String.join(" | ", row)).append(" |\n");
            }
            return out.toString();
        }

        String plain() {
            int[] widths = new int[header.size()];
            for (int i = 0; i < header.size(); i++) {
                widths[i] = header.get(i).length();
                for (List<String> row : rows) {
                    widths[i] = Math.max(widths[i], row.get(i).length());
                }
            }
            StringBuilder out = new StringBuilder();
            appendPlain(out, header, widths);
            for (List<String> row : rows) {
                appendPlain(out, row, widths);
            }
            return out.toString();
        }

        private static void appendPlain(StringBuilder out, List<String> cells, int[] widths) {
            for (int i = 0; i < cells.size(); i++) {
                out.append(String.format(Locale.ROOT, i == 0 ? "  %-" + widths[i] + "s" : "  %" + widths[i] + "s", cells.get(i)));
            }
            out.append('\n');
        }

        String html() {
            StringBuilder out = new StringBuilder("<table id=\"table-").append(id).append("\"><thead><tr>");
            header.forEach(h -> out.append("<th>").append(escape(h)).append("</th>"));
            out.append("</tr></thead><tbody>");
            for (List<String> row : rows) {
                out.append("<tr>");
                row.forEach(cell -> out.append("<td>").append(escape(cell)).append("</td>"));
                out.append("</tr>");
            }
            return out.append("</tbody></table>").toString();
        }
    }

    static List<Table> tables(SuiteResults results) {
        List<Table> tables = new ArrayList<>();
        List<Run> models = results.phase("models");
        if (!models.isEmpty()) {
            tables.add(new Table("models", "Throughput and latency by concurrency (closed loop)",
                    "Each model with its natural worker count, C clients each sending its next request when the last is"
                            + " answered. Latency from the actual send (a closed loop cannot see a stall more than once);"
                            + " CPU per 10k requests over the measured window.",
                    List.of("model", "lane", "workers", "concurrency", "req/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms",
                            "failed", "server CPU-s/10k", "client CPU-s/10k", "note"),
                    models.stream().map(ReportWriter::closedRow).toList()));
        }
        List<Run> overload = results.phase("overload");
        if (!overload.isEmpty()) {
            List<List<String>> rows = new ArrayList<>();
            for (Run run : overload) {
                if (!run.measured()) {
                    rows.add(failedRow(run, 13));
                    continue;
                }
                double offered = run.record().path("rate_hz").asDouble();
                rows.add(List.of(run.model(), run.discipline(), percent(run.record().path("load_fraction").asDouble()),
                        number(offered, 0), number(run.successfulRps(), 0),
                        percent(offered > 0 ? run.successfulRps() / offered : 0),
                        number(run.percentileMillis("latency", "p50_ms"), 1),
                        number(run.percentileMillis("latency", "p99_ms"), 1),
                        String.valueOf(count(run, "timeout")), String.valueOf(status(run, "503")),
                        number(run.percentileMillis("server_queued", "p99_ms"), 1),
                        number(run.percentileMillis("dispatch_lag", "p99_ms"), 1), note(run)));
            }
            int deadline = overload.getFirst().record().path("timeout_millis").asInt();
            tables.add(new Table("overload", "Goodput under overload (open loop, " + deadline + " ms client deadline)",
                    "Each model with few workers, so that its lane is the bottleneck; its capacity measured first,"
                            + " then requests sent on a fixed schedule at a fraction of it. Goodput = answers within the"
                            + " client's deadline, per second (a request not answered by then is abandoned, as a user"
                            + " gives up). Latency from each request's intended send time: no coordinated omission.",
                    List.of("model", "lane", "load", "offered req/s", "goodput req/s", "goodput/offered", "p50 ms",
                            "p99 ms", "timeouts", "503s", "server queue p99 ms", "client lag p99 ms", "note"), rows));
            tables.add(new Table("split", "Where the time went: queue wait and service (server-side)",
                    "queued_ms and service_ms as each answer reported them: the wait in the lane, and the time in service.",
                    List.of("model", "lane", "load", "queue p50 ms", "queue p99 ms", "service p50 ms", "service p99 ms"),
                    overload.stream().filter(Run::measured).map(run -> List.of(run.model(), run.discipline(),
                            percent(run.record().path("load_fraction").asDouble()),
                            number(run.percentileMillis("server_queued", "p50_ms"), 2),
                            number(run.percentileMillis("server_queued", "p99_ms"), 2),
                            number(run.percentileMillis("server_service", "p50_ms"), 2),
                            number(run.percentileMillis("server_service", "p99_ms"), 2))).toList()));
        }
        List<Run> balancer = results.phase("balancer");
        if (!balancer.isEmpty()) {
            List<List<String>> rows = new ArrayList<>();
            for (Run run : balancer) {
                if (!run.measured()) {
                    rows.add(failedRow(run, 9));
                    continue;
                }
                rows.add(List.of(run.model() + " ×" + run.record().path("instances").asInt(),
                        run.record().path("strategy").asText(), String.valueOf(run.record().path("concurrency").asInt()),
                        number(run.successfulRps(), 0), number(run.percentileMillis("latency", "p50_ms"), 2),
                        number(run.percentileMillis("latency", "p99_ms"), 2), number(run.balancerCpuPer10k(), 3),
                        number(run.serverCpuPer10k(), 3), spread(run.backends())));
            }
            tables.add(new Table("balancer", "Through the balancer",
                    "N instances behind loadlab's balancer, closed loop. The spread counts answers per X-Backend;"
                            + " the balancer's CPU per request next to the backends' shows what the proxy costs.",
                    List.of("backends", "strategy", "concurrency", "req/s", "p50 ms", "p99 ms", "balancer CPU-s/10k",
                            "backends CPU-s/10k", "spread"), rows));
        }
        return tables;
    }

    private static List<String> closedRow(Run run) {
        if (!run.measured()) {
            return failedRow(run, 13);
        }
        return List.of(run.model(), run.discipline(), String.valueOf(run.record().path("workers").asInt()),
                String.valueOf(run.record().path("concurrency").asInt()),
                number(run.successfulRps(), 0), number(run.percentileMillis("latency", "p50_ms"), 2),
                number(run.percentileMillis("latency", "p99_ms"), 2), number(run.percentileMillis("latency", "p999_ms"), 2),
                number(run.percentileMillis("latency", "max_ms"), 2), String.valueOf(run.failed()),
                number(run.serverCpuPer10k(), 3), number(run.clientCpuPer10k(), 3), note(run));
    }

    private static List<String> failedRow(Run run, int width) {
        List<String> row = new ArrayList<>(List.of(run.model(), run.discipline()));
        while (row.size() < width - 1) {
            row.add("—");
        }
        row.add("not measured: " + run.record().path("note").asText(""));
        return row;
    }

    private static String note(Run run) {
        List<String> notes = new ArrayList<>();
        run.clientLimit().ifPresent(limit -> notes.add("⚠ " + limit + ": not a server figure"));
        if (run.record().hasNonNull("note")) {
            notes.add(run.record().path("note").asText());
        }
        return String.join("; ", notes);
    }

    private static long count(Run run, String cause) {
        return run.result().path("failures").path(cause).asLong(0);
    }

    private static long status(Run run, String status) {
        return run.result().path("status_counts").path(status).asLong(0);
    }

    private static String spread(Map<String, Long> backends) {
        long total = backends.values().stream().mapToLong(Long::longValue).sum();
        List<String> parts = new ArrayList<>();
        backends.forEach((name, n) -> parts.add(name + " " + percent(total == 0 ? 0 : (double) n / total)));
        return String.join(", ", parts);
    }

    static String number(double value, int decimals) {
        return Double.isNaN(value) ? "—" : String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", fraction * 100);
    }

    // ---- markdown ------------------------------------------------------------------------------

    private static String markdown(SuiteResults results, List<Table> tables) {
        StringBuilder out = new StringBuilder("# loadlab report\n\n");
        out.append(preamble(results)).append("\n\n## Environment\n\n");
        environment(results).forEach((name, value) -> out.append("- **").append(name).append("**: ").append(value).append('\n'));
        for (Table table : tables) {
            out.append("\n## ").append(table.title()).append("\n\n").append(table.explanation()).append("\n\n");
            out.append(table.markdown());
        }
        out.append("\n## How to read it\n\n").append(howToRead()).append('\n');
        out.append("\n## Files\n\nEach run's `result.json`, `.hgrm` percentile distributions and `histograms.hlog`"
                + " interval log are in `runs/<id>/`; `results.csv` has one row per run; `suite.json` the settings"
                + " and environment; `logs/` every process's output. `client report " + "<this folder>` regenerates"
                + " this report.\n");
        return out.toString();
    }

    private static String preamble(SuiteResults results) {
        JsonNode s = results.settings();
        return String.format(Locale.ROOT, "Every figure below comes from a run of %d s after %d s of warm-up, with"
                        + " `io_ms=%d` and `cpu_ms=%d` per request, on the machine described under Environment, with the"
                        + " client, servers and balancer sharing its %d cores. Latency percentiles are HdrHistogram's"
                        + " (microsecond resolution).",
                s.path("duration_seconds").asInt(), s.path("warmup_seconds").asInt(), s.path("io_millis").asInt(),
                s.path("cpu_millis").asInt(), results.environment().path("cores").asInt());
    }

    private static Map<String, String> environment(SuiteResults results) {
        JsonNode e = results.environment();
        JsonNode s = results.settings();
        Map<String, String> lines = new java.util.LinkedHashMap<>();
        lines.put("JDK", e.path("jdk").asText() + " (" + e.path("jdk_vendor").asText() + ")");
        lines.put("machine", e.path("cores").asInt() + " cores, " + e.path("cpu_model").asText() + ", "
                + e.path("memory_bytes").asLong() / (1024 * 1024 * 1024) + " GiB, " + e.path("os").asText() + " " + e.path("arch").asText());
        lines.put("git commit", e.path("git_commit").asText("unknown"));
        lines.put("started", e.path("started_at").asText() + ", finished " + results.suite().path("finished_at").asText());
        lines.put("settings", "models " + s.path("models") + ", lanes " + s.path("disciplines") + ", concurrency "
                + s.path("concurrencies") + ", loads " + s.path("load_fractions") + " of capacity; workers: threads "
                + s.path("pool_workers").asInt() + ", virtual-threads/async " + s.path("permit_workers").asInt()
                + ", overload runs " + s.path("overload_workers").asInt() + "; client deadline "
                + s.path("deadline_millis").asInt() + " ms; balancer " + s.path("instances").asInt() + "× "
                + s.path("balancer_model").asText() + ", " + s.path("strategy").asText());
        lines.put("JVM options", "servers " + s.path("server_jvm_options") + ", client " + s.path("client_jvm_options"));
        Map<String, Double> capacities = results.capacities();
        if (!capacities.isEmpty()) {
            List<String> parts = new ArrayList<>();
            capacities.forEach((model, rps) -> parts.add(model + " " + number(rps, 0) + " req/s"));
            lines.put("measured capacity (overload runs' workers)", String.join(", ", parts));
        }
        return lines;
    }

    private static String howToRead() {
        return """
                - **Closed loop** tables compare the concurrency models: how throughput grows with the number of \
                clients, and what each request costs in server CPU. A bounded platform pool stops growing at \
                workers / io_ms; virtual threads and async keep going until the CPU is the limit.
                - **Goodput under overload** is where FIFO and LIFO differ most. Past capacity a FIFO queue grows \
                until every request waits longer than the client's deadline: the server stays busy answering \
                requests nobody waits for any more, and goodput falls towards zero. LIFO serves the newest \
                request first, so most answers still arrive in time and goodput stays near capacity, at the \
                price of a long tail for the unlucky oldest ones (the p99). Adaptive LIFO and CoDel (in \
                `--full`) keep FIFO's fairness while the queue is healthy and shed or reorder only when it is not.
                - **The client deadline matters** because without one an overloaded FIFO server looks merely slow; \
                with one, as real users and RPC clients have, its answers arrive too late to count.
                - **Queue wait vs service** tells whether latency came from waiting for a worker or from the work \
                itself.
                - **The balancer's spread** shows how evenly the strategy used the backends; its CPU per request \
                next to the backends' shows what the proxy costs on the same machine.
                - A run marked ⚠ may have been limited by the client: it used most of a saturated machine, or \
                its open loop fell behind its timetable (the client lag column); or the hypervisor took at least \
                5% of the machine's CPU during it (steal). It is not a server figure.""";
    }

    // ---- html ----------------------------------------------------------------------------------

    private static String html(SuiteResults results, List<Table> tables) throws IOException {
        String template = resource("dev/loadlab/client/report/report.html");
        StringBuilder body = new StringBuilder();
        body.append("<p>").append(escape(preamble(results))).append("</p><h2>Environment</h2><ul>");
        environment(results).forEach((name, value) -> body.append("<li><b>").append(escape(name)).append("</b>: ")
                .append(escape(value)).append("</li>"));
        body.append("</ul>");
        for (Table table : tables) {
            body.append("<h2>").append(escape(table.title())).append("</h2><p>").append(escape(table.explanation()))
                    .append("</p>");
            switch (table.id()) {
                case "models" -> body.append(chartBox("throughput", "Throughput against concurrency"))
                        .append(chartBox("spectrum-models", "Latency by percentile, highest concurrency (log scales)"));
                case "overload" -> body.append(chartBox("goodput", "Goodput against offered load"))
                        .append(chartBox("spectrum-overload", "Latency by percentile, highest load (log scales)"));
                case "split" -> body.append("<div class=\"bars\" id=\"split-bars\" data-chart=\"bars\"></div>");
                case "balancer" -> body.append("<div class=\"bars\" id=\"spread-bars\" data-chart=\"bars\"></div>");
                default -> { }
            }
            body.append(table.html());
        }
        body.append("<h2>How to read it</h2><ul>");
        for (String line : howToRead().split("\n- ")) {
            body.append("<li>").append(escape(line.replaceFirst("^- ", "").replace("**", ""))).append("</li>");
        }
        body.append("</ul>");
        return template
                .replace("/*UPLOT_CSS*/", resource(UPLOT + "uPlot.min.css"))
                .replace("/*UPLOT_JS*/", resource(UPLOT + "uPlot.iife.min.js"))
                .replace("/*DATA*/", chartData(results).toString().replace("</", "<\\/"))
                .replace("<!--BODY-->", body.toString());
    }

    private static String chartBox(String id, String title) {
        return "<figure><figcaption>" + escape(title) + "</figcaption><div class=\"chart\" id=\"" + id
                + "\" data-chart=\"uplot\"></div></figure>";
    }

    /** The charts' data: series of points, built from the same runs as the tables. */
    static ObjectNode chartData(SuiteResults results) {
        ObjectMapper json = SuiteResults.mapper();
        ObjectNode data = json.createObjectNode();
        List<Run> models = results.phase("models").stream().filter(Run::measured).toList();
        if (!models.isEmpty()) {
            ObjectNode throughput = data.putObject("throughput");
            throughput.put("x", "concurrency (log scale)");
            throughput.put("log_x", true);
            ArrayNode series = throughput.putArray("series");
            for (String key : keys(models)) {
                ObjectNode one = series.addObject().put("label", key);
                ArrayNode points = one.putArray("points");
                models.stream().filter(run -> key(run).equals(key))
                        .sorted(Comparator.comparingInt(run -> run.record().path("concurrency").asInt()))
                        .forEach(run -> points.addArray().add(run.record().path("concurrency").asInt()).add(run.successfulRps()));
            }
            int highest = models.stream().mapToInt(run -> run.record().path("concurrency").asInt()).max().orElse(0);
            data.set("spectrum-models", spectrum(json, models.stream()
                    .filter(run -> run.record().path("concurrency").asInt() == highest).toList()));
        }
        List<Run> overload = results.phase("overload").stream().filter(Run::measured).toList();
        if (!overload.isEmpty()) {
            ObjectNode goodput = data.putObject("goodput");
            goodput.put("x", "offered load, % of capacity");
            ArrayNode series = goodput.putArray("series");
            for (String key : keys(overload)) {
                ArrayNode points = series.addObject().put("label", key).putArray("points");
                overload.stream().filter(run -> key(run).equals(key))
                        .sorted(Comparator.comparingDouble(run -> run.record().path("load_fraction").asDouble()))
                        .forEach(run -> points.addArray().add(Math.round(run.record().path("load_fraction").asDouble() * 100))
                                .add(run.successfulRps()));
            }
            double highest = overload.stream().mapToDouble(run -> run.record().path("load_fraction").asDouble()).max().orElse(0);
            data.set("spectrum-overload", spectrum(json, overload.stream()
                    .filter(run -> run.record().path("load_fraction").asDouble() == highest).toList()));
            ArrayNode split = data.putArray("split-bars");
            for (Run run : overload) {
                split.addObject().put("label", key(run) + " @" + percent(run.record().path("load_fraction").asDouble()))
                        .put("queue_ms", zeroIfNaN(run.percentileMillis("server_queued", "p50_ms")))
                        .put("service_ms", zeroIfNaN(run.percentileMillis("server_service", "p50_ms")));
            }
        }
        List<Run> balancer = results.phase("balancer").stream().filter(Run::measured).toList();
        if (!balancer.isEmpty()) {
            ArrayNode spread = data.putArray("spread-bars");
            balancer.getFirst().backends().forEach((name, n) -> spread.addObject().put("label", name).put("answers", n));
        }
        return data;
    }

    private static double zeroIfNaN(double value) {
        return Double.isNaN(value) ? 0 : value;
    }

    private static String key(Run run) {
        return run.model() + " " + run.discipline();
    }

    private static Set<String> keys(List<Run> runs) {
        Set<String> keys = new LinkedHashSet<>();
        runs.forEach(run -> keys.add(key(run)));
        return keys;
    }

    /**
     * The latency percentile spectrum of each run, as HdrHistogram's plotter draws it: x is
     * 1 / (1 - percentile) on a log scale (so 90%, 99%, 99.9% are evenly spaced), y the latency.
     */
    private static ObjectNode spectrum(ObjectMapper json, List<Run> runs) {
        ObjectNode chart = json.createObjectNode();
        chart.put("x", "percentile");
        ArrayNode series = chart.putArray("series");
        for (Run run : runs) {
            run.histogram("latency").ifPresent(histogram -> {
                ArrayNode points = series.addObject().put("label", key(run)).putArray("points");
                for (HistogramIterationValue value : histogram.percentiles(TICKS_PER_HALF_DISTANCE)) {
                    double percentile = value.getPercentileLevelIteratedTo();
                    if (percentile >= 99.9999) {
                        break;
                    }
                    points.addArray().add(1 / (1 - percentile / 100)).add(value.getValueIteratedTo() / 1000.0);
                }
                points.addArray().add(1_000_000).add(histogram.getMaxValue() / 1000.0);
            });
        }
        return chart;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ReportWriter.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
