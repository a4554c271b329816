package dev.loadlab.suite.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadlab.suite.plan.Catalog;
import dev.loadlab.suite.results.SuiteResults;
import dev.loadlab.suite.results.SuiteResults.Run;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What ties the JMH figures of the components to the suite's load results: the request rate each
 * model reached (its capacity in the overload phase, or else its highest throughput in the models
 * phase) and the most requests the models phase kept in flight. From them, a hand-off measured in
 * µs becomes a share of a core at that rate, and a waiter's bytes become the memory of that many
 * waiters.
 *
 * @param rates              each model's request rate, by model name; absent when no load phase measured it
 * @param highestConcurrency the models phase's highest concurrency; 0 when it did not run
 */
record LoadTie(Map<String, Rate> rates, int highestConcurrency) {

    /** A model's request rate and where it comes from ("its capacity, overload phase"). */
    record Rate(double rps, String source) {
    }

    /** One way a model hands a freed worker to its next request, and what JMH measured it costs. */
    private record HandOff(String model, String how, double micros) {
    }

    private static final Map<String, String> WAITERS = Map.of("platform-thread", "platform threads",
            "virtual-thread", "virtual threads", "xnio-timer", "XNIO timers");

    static LoadTie of(SuiteResults results) {
        Map<String, Rate> rates = new LinkedHashMap<>();
        Map<String, Double> capacities = results.capacities();
        List<Run> models = results.phase("models").stream().filter(Run::measured).toList();
        for (String model : Catalog.MODELS) {
            if (capacities.get(model) != null && capacities.get(model) > 0) {
                rates.put(model, new Rate(capacities.get(model), "its capacity, overload phase"));
            } else {
                models.stream().filter(run -> run.model().equals(model)).mapToDouble(Run::successfulRps).max()
                        .ifPresent(rps -> rates.put(model, new Rate(rps, "its highest throughput, models phase")));
            }
        }
        int highest = models.stream().mapToInt(run -> run.record().concurrency()).max().orElse(0);
        return new LoadTie(rates, highest);
    }

    /** The sentence for one benchmark class's results; empty when the class measures nothing per request. */
    String sentence(String benchmarkClass, List<JsonNode> benchmarks) {
        return switch (benchmarkClass) {
            case "HandOffBenchmark" -> handOff(benchmarks);
            case "ManyWaitersBenchmark" -> manyWaiters(benchmarks);
            default -> "";
        };
    }

    /**
     * "A queued request's hand-off: threads 0.040 µs (...) or 21 µs (...); ... For threads at 3,200
     * req/s (its capacity, overload phase), one hand-off per request is 0.013–6.72% of one core; ...".
     */
    String handOff(List<JsonNode> benchmarks) {
        List<HandOff> handOffs = new ArrayList<>();
        for (JsonNode benchmark : benchmarks) {
            double micros = JmhTables.micros(benchmark);
            String discipline = benchmark.path("params").path("discipline").asText("");
            HandOff handOff = switch (JmhTables.method(benchmark)) {
                case "platformThreadServesNextItself" -> new HandOff("threads", "the freed thread serves the next itself", micros);
                case "pooledTaskWakesIdleThread" -> new HandOff("threads", "a pooled task wakes an idle thread", micros);
                case "parkedVirtualThreadGranted" -> new HandOff("virtual-threads", "a parked virtual thread unparked, "
                        + discipline, micros);
                case "exchangeResumedOnIoThread" -> new HandOff("async", "a task posted to an idle I/O thread", micros);
                default -> null;
            };
            if (handOff != null && !Double.isNaN(micros)) {
                handOffs.add(handOff);
            }
        }
        if (handOffs.isEmpty()) {
            return "";
        }
        List<String> costs = new ArrayList<>();
        List<String> shares = new ArrayList<>();
        for (String model : Catalog.MODELS) {
            List<HandOff> own = handOffs.stream().filter(h -> h.model().equals(model)).toList();
            if (own.isEmpty()) {
                continue;
            }
            costs.add(model + " " + String.join(" or ", own.stream()
                    .map(h -> JmhTables.number(h.micros()) + " µs (" + h.how() + ")").toList()));
            Rate rate = rates.get(model);
            if (rate != null) {
                double least = own.stream().mapToDouble(HandOff::micros).min().orElseThrow();
                double most = own.stream().mapToDouble(HandOff::micros).max().orElseThrow();
                shares.add(String.format(Locale.ROOT, "for %s at %s req/s (%s), one hand-off per request is %s of one core",
                        model, Format.number(rate.rps(), 0), rate.source(), range(coreShare(least, rate), coreShare(most, rate))));
            }
        }
        return "A queued request's hand-off: " + String.join("; ", costs) + ". "
                + (shares.isEmpty() ? "No load phase measured these models here, so no request rate ties them to the load results."
                        : capitalized(String.join("; ", shares)) + ".");
    }

    /**
     * "With 10,000 waiters at once: platform threads all woke in 13 ms, each holding 18.0 KiB
     * resident (1.20 KiB of heap); ... At the models phase's highest concurrency, 256 requests in
     * flight, that is 4.50 MiB resident as platform threads, ...".
     */
    String manyWaiters(List<JsonNode> benchmarks) {
        int largest = benchmarks.stream().mapToInt(b -> b.path("params").path("count").asInt(0)).max().orElse(0);
        List<JsonNode> crowd = benchmarks.stream()
                .filter(b -> b.path("params").path("count").asInt(0) == largest)
                .sorted(Comparator.comparing((JsonNode b) -> b.path("params").path("waiter").asText()))
                .toList();
        if (largest == 0 || crowd.isEmpty()) {
            return "";
        }
        List<String> woken = new ArrayList<>();
        List<String> memory = new ArrayList<>();
        for (JsonNode benchmark : crowd) {
            String waiter = benchmark.path("params").path("waiter").asText();
            String kind = WAITERS.getOrDefault(waiter, waiter);
            double rss = benchmark.path("secondaryMetrics").path("rssBytesPerWaiter").path("score").asDouble(Double.NaN);
            double heap = benchmark.path("secondaryMetrics").path("heapBytesPerWaiter").path("score").asDouble(Double.NaN);
            woken.add(kind + " all woke in " + JmhTables.number(JmhTables.micros(benchmark) / 1_000) + " ms"
                    + (Double.isNaN(rss) ? "" : ", each holding " + JmhTables.number(rss / 1024) + " KiB resident ("
                    + JmhTables.number(heap / 1024) + " KiB of heap)"));
            if (!Double.isNaN(rss) && highestConcurrency > 0) {
                memory.add(JmhTables.number(rss * highestConcurrency / (1024 * 1024)) + " MiB resident as " + kind);
            }
        }
        return String.format(Locale.ROOT, "With %s waiters at once: %s; 1 ms is the ideal.", Format.number(largest, 0),
                String.join("; ", woken))
                + (memory.isEmpty() ? "" : String.format(Locale.ROOT,
                " At the models phase's highest concurrency here, %d requests in flight, that is %s.",
                highestConcurrency, String.join(", ", memory)));
    }

    /** The share of one core that {@code micros} per request takes at {@code rate}, as a fraction. */
    private static double coreShare(double micros, Rate rate) {
        return micros * rate.rps() / 1_000_000;
    }

    private static String range(double least, double most) {
        String low = JmhTables.number(least * 100) + "%";
        String high = JmhTables.number(most * 100) + "%";
        return low.equals(high) ? low : low.substring(0, low.length() - 1) + "–" + high;
    }

    private static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
