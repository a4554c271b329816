package dev.loadlab.suite.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadlab.suite.report.LoadTie.Rate;
import dev.loadlab.suite.results.SuiteResults;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's sentences that tie JMH's figures of the components to the load results, checked against the JMH JSON. */
class LoadTieTest {

    private static JsonNode benchmark(String method, String params, String score, String unit, String secondary)
            throws IOException {
        return SuiteResults.mapper().readTree("""
                {"benchmark": "dev.loadlab.benchmarks.%s", "mode": "avgt", "params": {%s},
                 "primaryMetric": {"score": %s, "scoreError": 0.5, "scoreUnit": "%s"},
                 "secondaryMetrics": {%s}}""".formatted(method, params, score, unit, secondary));
    }

    private static List<JsonNode> handOffs() throws IOException {
        return List.of(
                benchmark("HandOffBenchmark.platformThreadServesNextItself", "", "0.04", "us/op", ""),
                benchmark("HandOffBenchmark.pooledTaskWakesIdleThread", "", "20", "us/op", ""),
                benchmark("HandOffBenchmark.parkedVirtualThreadGranted", "\"discipline\": \"fifo\"", "4", "us/op", ""),
                benchmark("HandOffBenchmark.parkedVirtualThreadGranted", "\"discipline\": \"lifo\"", "2500", "ns/op", ""),
                benchmark("HandOffBenchmark.exchangeResumedOnIoThread", "", "10", "us/op", ""));
    }

    private static List<JsonNode> manyWaiters() throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (String count : List.of("100", "10000")) {
            rows.add(benchmark("ManyWaitersBenchmark.wakeAll", "\"waiter\": \"platform-thread\", \"count\": \"" + count + "\"",
                    "12", "ms/op", memory(20480, 1024)));
            rows.add(benchmark("ManyWaitersBenchmark.wakeAll", "\"waiter\": \"virtual-thread\", \"count\": \"" + count + "\"",
                    "3", "ms/op", memory(1024, 512)));
        }
        return rows;
    }

    private static String memory(double rss, double heap) {
        return """
                "rssBytesPerWaiter": {"score": %s, "scoreError": "NaN", "scoreUnit": "#"},
                "heapBytesPerWaiter": {"score": %s, "scoreError": "NaN", "scoreUnit": "#"}""".formatted(rss, heap);
    }

    @Test
    void eachModelsHandOffIsPutAsAShareOfACoreAtTheRateItReached() throws IOException {
        LoadTie tie = new LoadTie(Map.of("threads", new Rate(5_000, "its capacity, overload phase"),
                "virtual-threads", new Rate(2_000, "its highest throughput, models phase")), 64);

        String sentence = tie.sentence("HandOffBenchmark", handOffs());

        assertThat(sentence).startsWith("A queued request's hand-off: threads 0.040 µs (the freed thread serves the"
                        + " next itself) or 20.0 µs (a pooled task wakes an idle thread); virtual-threads 4.00 µs (a parked"
                        + " virtual thread unparked, fifo) or 2.50 µs (a parked virtual thread unparked, lifo); async 10.0 µs")
                // 0.04 µs × 5,000/s = 0.02% of a core; 20 µs × 5,000/s = 10%
                .contains("For threads at 5,000 req/s (its capacity, overload phase), one hand-off per request is"
                        + " 0.020–10.0% of one core")
                // 2.5 µs and 4 µs × 2,000/s
                .contains("for virtual-threads at 2,000 req/s (its highest throughput, models phase), one hand-off per"
                        + " request is 0.500–0.800% of one core")
                .as("no rate was measured for async: no share is claimed").doesNotContain("for async");
    }

    @Test
    void withoutLoadResultsTheHandOffSaysNothingTiesIt() throws IOException {
        String sentence = new LoadTie(Map.of(), 0).sentence("HandOffBenchmark", handOffs());

        assertThat(sentence).contains("async 10.0 µs (a task posted to an idle I/O thread)")
                .endsWith("No load phase measured these models here, so no request rate ties them to the load results.");
    }

    @Test
    void theLargestCrowdOfWaitersIsPutAsTheMemoryOfTheRequestsTheModelsPhaseKeptInFlight() throws IOException {
        String sentence = new LoadTie(Map.of(), 256).sentence("ManyWaitersBenchmark", manyWaiters());

        assertThat(sentence).isEqualTo("With 10,000 waiters at once: platform threads all woke in 12.0 ms, each holding"
                + " 20.0 KiB resident (1.00 KiB of heap); virtual threads all woke in 3.00 ms, each holding 1.00 KiB"
                + " resident (0.500 KiB of heap); 1 ms is the ideal. At the models phase's highest concurrency here, 256"
                + " requests in flight, that is 5.00 MiB resident as platform threads, 0.250 MiB resident as virtual threads.");
    }

    @Test
    void otherBenchmarksHaveNoSentence() throws IOException {
        assertThat(new LoadTie(Map.of(), 16).sentence("CpuWorkBenchmark",
                List.of(benchmark("CpuWorkBenchmark.spin", "", "1", "ms/op", "")))).isEmpty();
    }

    @Test
    void secondaryResultsAreRowsOfTheirOwnAndCountersNamedForBytesSayBytes() throws IOException {
        List<List<String>> rows = JmhTables.rows(manyWaiters().getLast());

        assertThat(rows).extracting(row -> row.getFirst() + " " + row.get(3) + " " + row.get(5))
                .containsExactly("wakeAll 3.00 ms/op", "wakeAll:rssBytesPerWaiter 1,024 bytes",
                        "wakeAll:heapBytesPerWaiter 512 bytes");
    }
}
