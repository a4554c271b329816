package dev.loadlab.suite.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadlab.suite.results.JmhRecord;
import dev.loadlab.suite.results.SuiteResults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * "Components (JMH)": one table per benchmark class of JMH's JSON, a row per method and parameter
 * set (and one per secondary result, as JMH prints them), with its score, error and unit as JMH
 * computed them (and the median and p99 of a sampled time). JMH measures the components, closed
 * loop; the load tables measure the whole servers. Where a class measures what a model pays per
 * request or per waiter, its explanation ties the two ({@link LoadTie}).
 */
final class JmhTables {
    private JmhTables() {
    }

    /** The JMH results of a suite, as JMH wrote them; empty when JMH did not run or wrote nothing. */
    static List<JsonNode> results(SuiteResults results) {
        JmhRecord jmh = results.suite().jmh();
        if (jmh == null || jmh.resultFile() == null) {
            return List.of();
        }
        Path file = results.directory().resolve(jmh.resultFile());
        try {
            List<JsonNode> benchmarks = new ArrayList<>();
            SuiteResults.mapper().readTree(Files.readString(file)).forEach(benchmarks::add);
            return benchmarks;
        } catch (IOException e) {
            return List.of();
        }
    }

    static List<Table> of(SuiteResults results) {
        List<JsonNode> benchmarks = results(results);
        if (benchmarks.isEmpty()) {
            return List.of();
        }
        Map<String, List<JsonNode>> byClass = new LinkedHashMap<>();
        for (JsonNode benchmark : benchmarks) {
            byClass.computeIfAbsent(className(benchmark), key -> new ArrayList<>()).add(benchmark);
        }
        JmhRecord jmh = results.suite().jmh();
        LoadTie tie = LoadTie.of(results);
        List<Table> tables = new ArrayList<>();
        byClass.forEach((name, rows) -> {
            String tied = tie.sentence(name, rows);
            tables.add(new Table("jmh-" + name.toLowerCase(Locale.ROOT), "Components (JMH): " + name,
                    "JMH " + String.join(" ", jmh.arguments().stream().filter(a -> !a.endsWith(".json")).toList())
                            + " (the suite's quick profile: few, short iterations; JMH's error is the 99.9% interval)"
                            + (jmh.machine() != null && jmh.machine().disturbed() ? ". ⚠ disturbed: "
                            + jmh.machine().disturbance() + " during the JMH run" : "") + "."
                            + (tied.isEmpty() ? "" : " " + tied),
                    List.of("benchmark", "params", "mode", "score", "error", "unit", "p50", "p99"),
                    rows.stream().flatMap(benchmark -> rows(benchmark).stream()).toList()));
        });
        return tables;
    }

    /** {@code HandOffBenchmark} of {@code dev.loadlab.benchmarks.HandOffBenchmark.virtualThread}. */
    static String className(JsonNode benchmark) {
        String[] parts = benchmark.path("benchmark").asText().split("\\.");
        return parts.length >= 2 ? parts[parts.length - 2] : benchmark.path("benchmark").asText();
    }

    static String method(JsonNode benchmark) {
        String[] parts = benchmark.path("benchmark").asText().split("\\.");
        return parts[parts.length - 1];
    }

    static String params(JsonNode benchmark) {
        List<String> params = new ArrayList<>();
        benchmark.path("params").fields().forEachRemaining(e -> params.add(e.getKey() + "=" + e.getValue().asText()));
        return String.join(", ", params);
    }

    /** The primary result's row, then a row per secondary result named {@code method:name}, as JMH prints them. */
    static List<List<String>> rows(JsonNode benchmark) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(row(method(benchmark), benchmark, benchmark.path("primaryMetric")));
        benchmark.path("secondaryMetrics").fields().forEachRemaining(secondary ->
                rows.add(row(method(benchmark) + ":" + secondary.getKey(), benchmark, secondary.getValue())));
        return rows;
    }

    private static List<String> row(String name, JsonNode benchmark, JsonNode metric) {
        JsonNode percentiles = metric.path("scorePercentiles");
        boolean sampled = benchmark.path("mode").asText().equals("sample") && metric == benchmark.path("primaryMetric");
        return List.of(name, params(benchmark), benchmark.path("mode").asText(),
                number(metric.path("score").asDouble()), number(metric.path("scoreError").asDouble(Double.NaN)),
                unit(name, metric),
                sampled ? number(percentiles.path("50.0").asDouble(Double.NaN)) : "—",
                sampled ? number(percentiles.path("99.0").asDouble(Double.NaN)) : "—");
    }

    /**
     * JMH's unit, except that an auxiliary counter (JMH's {@code #}) named for bytes says bytes:
     * JMH has no unit for a counter, and {@code ManyWaitersBenchmark}'s memory counters are bytes.
     */
    static String unit(String name, JsonNode metric) {
        String unit = metric.path("scoreUnit").asText();
        return unit.equals("#") && name.contains("Bytes") ? "bytes" : unit;
    }

    /** A primary score in microseconds per op; NaN if its unit is not a time per op. */
    static double micros(JsonNode benchmark) {
        JsonNode metric = benchmark.path("primaryMetric");
        double score = metric.path("score").asDouble(Double.NaN);
        return switch (metric.path("scoreUnit").asText()) {
            case "ns/op" -> score / 1_000;
            case "us/op" -> score;
            case "ms/op" -> score * 1_000;
            case "s/op" -> score * 1_000_000;
            default -> Double.NaN;
        };
    }

    /** Three significant digits, as JMH's own figures deserve at this length of run. */
    static String number(double value) {
        if (Double.isNaN(value)) {
            return "—";
        }
        double magnitude = Math.abs(value);
        int decimals = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3;
        return Format.number(value, decimals);
    }
}
