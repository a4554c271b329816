package dev.loadlab.suite.report;

import static dev.loadlab.suite.SyntheticSuites.around;
import static org.assertj.core.api.Assertions.assertThat;

import dev.loadlab.suite.SyntheticSuites;
import dev.loadlab.suite.SyntheticSuites.CellSpec;
import dev.loadlab.suite.results.SuiteResults;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the report's findings say about an overload, on results built without running anything:
 * 120% of a capacity of 1,000 req/s (1,200 offered), 1 s of warm-up and 2 s measured, a deadline
 * of 1,000 ms; each synthetic run's server queue wait peaks at the p99 it is given.
 */
class FindingsTest {
    private static final double OFFERED = 1_200;

    @TempDir
    Path scratch;

    private List<String> findings(List<CellSpec> cells) throws Exception {
        SuiteResults results = SyntheticSuites.write(scratch.resolve("suite"), "2026-12-01T10:00:00Z", "abc123", cells);
        return Findings.of(results);
    }

    @Test
    void aFifoQueueThatStayedInsideTheDeadlineIsCalledABurstWithWhenASustainedLoadWouldPassIt() throws Exception {
        List<String> findings = findings(List.of(
                new CellSpec("threads", "fifo", 1.2, around(OFFERED, 700, 3)),
                new CellSpec("threads", "lifo", 1.2, around(1_000, 1_001, 3))));

        assertThat(findings).contains("At 120% of capacity, FIFO's queue stayed inside the 1,000 ms deadline: its"
                + " longest wait 0.70 s (threads), after 3 s of load. These runs are a burst, and FIFO answers a burst"
                + " in full. Sustained, going by its growth here, its queue would pass the deadline after about 4.3 s"
                + " (threads) of load; runs measured well past that show the other regime: --duration 8 or longer"
                + " (or --full).");
        assertThat(findings).anyMatch(f -> f.startsWith("At 120% of capacity, threads: fifo 100%, lifo 83%")
                && f.contains("of the offered requests answered in time"));
    }

    @Test
    void onlyTheModelsWhoseFifoQueueStayedInsideTheDeadlineAreNamed() throws Exception {
        List<String> findings = findings(List.of(
                new CellSpec("threads", "fifo", 1.2, around(OFFERED, 600, 3)),
                new CellSpec("async", "fifo", 1.2, around(700, 1_002, 3)),
                new CellSpec("async", "lifo", 1.2, around(1_000, 1_001, 3))));

        assertThat(findings).filteredOn(f -> f.contains("FIFO's queue stayed inside")).singleElement()
                .asString().contains("its longest wait 0.60 s (threads), after 3 s")
                .contains("after about 5.0 s (threads) of load").contains("--duration 9 or longer")
                .doesNotContain("async");
    }

    @Test
    void aFifoQueueThatPassedTheDeadlineOrTimedRequestsOutIsNoBurst() throws Exception {
        List<String> findings = findings(List.of(
                new CellSpec("threads", "fifo", 1.2, around(700, 1_002, 3)),
                new CellSpec("threads", "lifo", 1.2, around(1_000, 1_001, 3)),
                new CellSpec("async", "fifo", 1.2, around(1_100, 900, 3)),
                new CellSpec("async", "lifo", 1.2, around(1_000, 1_001, 3))));

        assertThat(findings).as("threads' queue passed the deadline; async's timed out 8% of its requests")
                .noneMatch(f -> f.contains("burst"));
        assertThat(findings).anyMatch(f -> f.startsWith("At 120% of capacity, threads: lifo 83% (83–84%), fifo 58%"));
    }
}
