package dev.loadlab.suite.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadlab.suite.results.SuiteResults;
import dev.loadlab.suite.results.SuiteResults.Run;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The HTML report's chart data, built from the same runs as the tables: for each chart id, its
 * series of points ({@code {"series":[{"label":..,"points":[[x,y],..]}]}}) or its bars.
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
        List<Run> models = results.phase("models").stream().filter(Run::measured).toList();
        if (!models.isEmpty()) {
            ObjectNode throughput = data.putObject("throughput");
            throughput.put("x", "concurrency (log scale)");
            throughput.put("log_x", true);
            ArrayNode series = throughput.putArray("series");
            for (String key : keys(models)) {
                ArrayNode points = series.addObject().put("label", key).putArray("points");
                models.stream().filter(run -> key(run).equals(key))
                        .sorted(Comparator.comparingInt(run -> run.record().concurrency()))
                        .forEach(run -> points.addArray().add(run.record().concurrency()).add(run.successfulRps()));
            }
            int highest = models.stream().mapToInt(run -> run.record().concurrency()).max().orElse(0);
            data.set("spectrum-models", spectrum(json, models.stream()
                    .filter(run -> run.record().concurrency() == highest).toList()));
        }
        List<Run> overload = results.phase("overload").stream().filter(Run::measured).toList();
        if (!overload.isEmpty()) {
            ObjectNode goodput = data.putObject("goodput");
            goodput.put("x", "offered load, % of capacity");
            ArrayNode series = goodput.putArray("series");
            for (String key : keys(overload)) {
                ArrayNode points = series.addObject().put("label", key).putArray("points");
                overload.stream().filter(run -> key(run).equals(key))
                        .sorted(Comparator.comparingDouble(run -> run.record().loadFraction()))
                        .forEach(run -> points.addArray().add(Math.round(run.record().loadFraction() * 100))
                                .add(run.successfulRps()));
            }
            double highest = overload.stream().mapToDouble(run -> run.record().loadFraction()).max().orElse(0);
            data.set("spectrum-overload", spectrum(json, overload.stream()
                    .filter(run -> run.record().loadFraction() == highest).toList()));
            ArrayNode split = data.putArray("split-bars");
            for (Run run : overload) {
                split.addObject().put("label", key(run) + " @" + Format.percent(run.record().loadFraction()))
                        .put("queue_ms", run.histogram("server_queued").p50Ms())
                        .put("service_ms", run.histogram("server_service").p50Ms());
            }
        }
        List<Run> balancer = results.phase("balancer").stream().filter(Run::measured).toList();
        if (!balancer.isEmpty()) {
            ArrayNode spread = data.putArray("spread-bars");
            balancer.getFirst().backends().forEach((name, n) -> spread.addObject().put("label", name).put("answers", n));
        }
        return data;
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
            run.decodedHistogram("latency").ifPresent(histogram -> {
                ArrayNode points = series.addObject().put("label", key(run)).putArray("points");
                for (HistogramIterationValue value : histogram.percentiles(TICKS_PER_HALF_DISTANCE)) {
                    double percentile = value.getPercentileLevelIteratedTo();
                    if (percentile >= 99.9999) {
                        break;
                    }
                    points.addArray().add(1 / (1 - percentile / 100)).add(value.getValueIteratedTo() / 1000.0);
                }
                points.addArray().add(MAX_X).add(histogram.getMaxValue() / 1000.0);
            });
        }
        return chart;
    }
}
