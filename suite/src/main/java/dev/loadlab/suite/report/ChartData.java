package dev.loadlab.suite.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadlab.suite.results.BackendIntervals;
import dev.loadlab.suite.results.SuiteResults;
import dev.loadlab.suite.results.SuiteResults.Run;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The HTML report's chart data, built from the same cells as the tables: for each chart id, its
 * series of points ({@code {"series":[{"label":..,"points":[[x,y,min,max],..]}]}}, the range
 * over the repeats after the median where there is one) or its bars
 * ({@code {"unit":..,"parts":[..],"rows":[..]}}).
 */
final class ChartData {
    /** Percentile levels of the latency spectrum: 0 to 99.999, spaced as HdrHistogram's plotter spaces them. */
    private static final int TICKS_PER_HALF_DISTANCE = 4;
    /** The spectrum's last point, the maximum, sits at x = 1 / (1 - 99.9999%). */
    private static final double MAX_X = 1_000_000;

    private ChartData() {
    }

    static ObjectNode of(SuiteResults results) {
        ObjectMapper json = SuiteResults.mapper();
        ObjectNode data = json.createObjectNode();
        List<Cell> models = Cell.of(results.phase("models")).stream().filter(Cell::measuredAtAll).toList();
        if (!models.isEmpty()) {
            ObjectNode throughput = data.putObject("throughput");
            throughput.put("x", "concurrency (log scale)");
            throughput.put("log_x", true);
            ArrayNode series = throughput.putArray("series");
            for (String key : keys(models)) {
                ArrayNode points = series.addObject().put("label", key).putArray("points");
                models.stream().filter(cell -> key(cell).equals(key))
                        .sorted(Comparator.comparingInt(cell -> cell.record().concurrency()))
                        .forEach(cell -> point(points, cell.record().concurrency(), cell.spread(Run::successfulRps)));
            }
            int highest = models.stream().mapToInt(cell -> cell.record().concurrency()).max().orElse(0);
            data.set("spectrum-models", spectrum(json, models.stream()
                    .filter(cell -> cell.record().concurrency() == highest).toList(), ChartData::key));
        }
        List<Cell> overload = Cell.of(results.phase("overload")).stream().filter(Cell::measuredAtAll).toList();
        if (!overload.isEmpty()) {
            ObjectNode goodput = data.putObject("goodput");
            goodput.put("x", "offered load, % of capacity");
            ArrayNode series = goodput.putArray("series");
            for (String key : keys(overload)) {
                ArrayNode points = series.addObject().put("label", key).putArray("points");
                overload.stream().filter(cell -> key(cell).equals(key))
                        .sorted(Comparator.comparingDouble(cell -> cell.record().loadFraction()))
                        .forEach(cell -> point(points, Math.round(cell.record().loadFraction() * 100),
                                cell.spread(Run::successfulRps)));
            }
            double highest = overload.stream().mapToDouble(cell -> cell.record().loadFraction()).max().orElse(0);
            data.set("spectrum-overload", spectrum(json, overload.stream()
                    .filter(cell -> cell.record().loadFraction() == highest).toList(), ChartData::key));
            ArrayNode split = bars(data, "split-bars", "ms", "queue_ms", "service_ms");
            for (Cell cell : overload) {
                split.addObject().put("label", key(cell) + " @" + Format.percent(cell.record().loadFraction()))
                        .put("queue_ms", cell.spread(run -> run.histogram("server_queued").p50Ms()).median())
                        .put("service_ms", cell.spread(run -> run.histogram("server_service").p50Ms()).median());
            }
        }
        strategies(json, data, results, Cell.of(results.phase("strategies")).stream().filter(Cell::measuredAtAll).toList());
        return data;
    }

    /**
     * Per scenario: bars of each strategy's p99 and goodput (the median over repeats) at every load,
     * the latency spectrum of every strategy at the highest load, and, where one backend is faulty, its
     * share of the answers over time at that load.
     */
    private static void strategies(ObjectMapper json, ObjectNode data, SuiteResults results, List<Cell> cells) {
        for (String scenario : StrategyTables.scenarios(cells)) {
            List<Cell> ofScenario = cells.stream().filter(cell -> scenario.equals(cell.record().scenario())).toList();
            ArrayNode p99 = bars(data, "p99-" + scenario, "ms", "p99_ms");
            ArrayNode goodput = bars(data, "goodput-" + scenario, "%", "goodput_pct");
            for (Cell cell : ofScenario) {
                String label = cell.record().strategy() + " @" + Format.percent(cell.record().loadFraction());
                p99.addObject().put("label", label).put("p99_ms", cell.spread(run -> run.histogram("latency").p99Ms())
                        .median());
                goodput.addObject().put("label", label)
                        .put("goodput_pct", 100 * cell.spread(ReportTables::goodputFraction).median());
            }
            double highest = ofScenario.stream().mapToDouble(cell -> cell.record().loadFraction()).max().orElse(0);
            ObjectNode spectrum = spectrum(json, ofScenario.stream()
                    .filter(cell -> cell.record().loadFraction() == highest).toList(), cell -> cell.record().strategy());
            data.set("spectrum-" + scenario, spectrum);
            ofScenario.stream().filter(cell -> cell.record().faultyBackend() != null).findFirst().ifPresent(cell ->
                    data.set("share-" + scenario, faultyShareOverTime(json, results, ofScenario.stream()
                            .filter(at -> at.record().loadFraction() == highest).toList())));
        }
    }

    /**
     * The faulty backend's share of the answers, second by second, of each strategy: the answers of
     * its used repeats pooled per second (from each run's {@code backends.csv}).
     */
    private static ObjectNode faultyShareOverTime(ObjectMapper json, SuiteResults results, List<Cell> cells) {
        ObjectNode chart = json.createObjectNode();
        chart.put("x", "seconds into the measured run");
        chart.put("y", "% of answers from the faulty backend");
        ArrayNode series = chart.putArray("series");
        for (Cell cell : cells) {
            String faulty = cell.record().faultyBackend();
            TreeMap<Long, long[]> pooled = new TreeMap<>(); // second -> {faulty's answers, all answers}
            for (Run run : cell.used()) {
                BackendIntervals intervals;
                try {
                    intervals = BackendIntervals.read(results.directory().resolve(run.record().resultDir()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                intervals.bySecond().forEach((second, answers) -> {
                    long[] sums = pooled.computeIfAbsent(second, s -> new long[2]);
                    sums[0] += answers.getOrDefault(faulty, 0L);
                    sums[1] += answers.values().stream().mapToLong(Long::longValue).sum();
                });
            }
            if (pooled.isEmpty()) {
                continue;
            }
            ArrayNode points = series.addObject().put("label", cell.record().strategy()).putArray("points");
            pooled.forEach((second, sums) -> points.addArray().add(second).add(100.0 * sums[0] / sums[1]));
        }
        return chart;
    }

    /** A bar chart: {@code {"unit":..,"parts":[..],"rows":[{"label":..,part:value,..}]}}; its rows to fill. */
    private static ArrayNode bars(ObjectNode data, String id, String unit, String... parts) {
        ObjectNode chart = data.putObject(id).put("unit", unit);
        ArrayNode names = chart.putArray("parts");
        for (String part : parts) {
            names.add(part);
        }
        return chart.putArray("rows");
    }

    /** {@code [x, median, min, max]}: the page draws the median and shades the range. */
    private static void point(ArrayNode points, double x, Spread y) {
        points.addArray().add(x).add(y.median()).add(y.min()).add(y.max());
    }

    private static String key(Cell cell) {
        return cell.model() + " " + cell.discipline();
    }

    private static Set<String> keys(List<Cell> cells) {
        Set<String> keys = new LinkedHashSet<>();
        cells.forEach(cell -> keys.add(key(cell)));
        return keys;
    }

    /**
     * The latency percentile spectrum of each cell, its repeats' histograms added (HdrHistogram
     * histograms merge without loss), as HdrHistogram's plotter draws it: x is 1 / (1 - percentile)
     * on a log scale (so 90%, 99%, 99.9% are evenly spaced), y the latency.
     */
    private static ObjectNode spectrum(ObjectMapper json, List<Cell> cells, Function<Cell, String> label) {
        ObjectNode chart = json.createObjectNode();
        chart.put("x", "percentile");
        ArrayNode series = chart.putArray("series");
        for (Cell cell : cells) {
            Histogram merged = null;
            for (Run run : cell.used()) {
                Histogram histogram = run.decodedHistogram("latency").orElse(null);
                if (histogram == null) {
                    continue;
                }
                if (merged == null) {
                    merged = histogram.copy();
                } else {
                    merged.add(histogram);
                }
            }
            if (merged == null || merged.getTotalCount() == 0) {
                continue;
            }
            ArrayNode points = series.addObject().put("label", label.apply(cell)).putArray("points");
            for (HistogramIterationValue value : merged.percentiles(TICKS_PER_HALF_DISTANCE)) {
                double percentile = value.getPercentileLevelIteratedTo();
                if (percentile >= 99.9999) {
                    break;
                }
                points.addArray().add(1 / (1 - percentile / 100)).add(value.getValueIteratedTo() / 1000.0);
            }
            points.addArray().add(MAX_X).add(merged.getMaxValue() / 1000.0);
        }
        return chart;
    }
}
