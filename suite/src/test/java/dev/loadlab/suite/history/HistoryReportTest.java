package dev.loadlab.suite.history;

import static dev.loadlab.suite.SyntheticSuites.around;
import static org.assertj.core.api.Assertions.assertThat;

import dev.loadlab.suite.SyntheticSuites;
import dev.loadlab.suite.SyntheticSuites.CellSpec;
import dev.loadlab.suite.report.ReportAddendum.Section;
import dev.loadlab.suite.results.SuiteResults;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history's part of a suite's report: the comparison with the newest comparable suite, and the trends. */
class HistoryReportTest {
    private static final double ALPHA = 0.05;
    private static final double MIN_CHANGE = 5;

    @TempDir
    Path scratch;

    private SuiteResults suite(String name, String startedAt, double goodput, double p99) throws Exception {
        return SyntheticSuites.write(scratch.resolve(name), startedAt, name,
                List.of(new CellSpec("async", "lifo", 1.2, around(goodput, p99, 5))));
    }

    @Test
    void aSuiteIsComparedWithTheNewestEarlierOneAndItsTrendIsDrawn() throws Exception {
        SuiteResults first = suite("first", "2026-12-01T10:00:00Z", 950, 40);
        SuiteResults second = suite("second", "2026-12-01T11:00:00Z", 950, 40);
        SuiteResults third = suite("third", "2026-12-01T12:00:00Z", 800, 60);
        try (HistoryStore store = HistoryStore.open(scratch.resolve("history.db"))) {
            store.importFolder(first.directory());
            long secondId = store.importFolder(second.directory()).suiteId();
            store.importFolder(third.directory());

            var report = HistoryReport.of(store, third, ALPHA, MIN_CHANGE);

            Section compared = report.sections().getFirst();
            assertThat(compared.title()).startsWith("Compared with suite #" + secondId + " (2026-12-01T11:00:00Z, commit second)");
            assertThat(compared.rows()).filteredOn(row -> row.get(2).equals("goodput req/s"))
                    .singleElement().satisfies(row -> assertThat(row.get(6)).startsWith("slower"));
            assertThat(report.sections()).extracting(Section::id).containsExactly("history-compared", "history-trends");
            var charts = report.chartData(SuiteResults.mapper().createObjectNode());
            assertThat(charts.path("trend-overload-goodput").path("series").get(0).path("points").size())
                    .as("one point per suite").isEqualTo(3);
        }
    }

    @Test
    void aSuiteMeasuredUnderOtherConditionsIsNotCompared() throws Exception {
        SuiteResults earlier = suite("earlier", "2026-12-01T10:00:00Z", 950, 40);
        SuiteResults later = suite("later", "2026-12-01T11:00:00Z", 800, 60);
        try (HistoryStore store = HistoryStore.open(scratch.resolve("history.db"))) {
            store.importFolder(earlier.directory());
            store.importFolder(later.directory());
            try (Connection edit = DriverManager.getConnection("jdbc:sqlite:" + scratch.resolve("history.db"));
                 Statement statement = edit.createStatement()) {
                assertThat(statement.executeUpdate("UPDATE suites SET cores = 64 WHERE git_commit = 'earlier'"))
                        .as("precondition: the earlier suite now says 64 cores").isEqualTo(1);
            }

            assertThat(HistoryReport.of(store, later, ALPHA, MIN_CHANGE).sections()).isEmpty();
        }
    }
}
