package dev.loadlab.suite.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadlab.suite.SyntheticSuites;
import dev.loadlab.suite.SyntheticSuites.CellSpec;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two suites writing one history at once, each with its own connection, as two processes would. */
class ConcurrentWritersTest {
    private static final int RUNS_EACH = 40;

    @TempDir
    Path scratch;

    @Test
    void twoSuitesWritingAtOnceBothLandWhole() throws Exception {
        Path db = scratch.resolve("history.db");
        List<SyntheticSuites.Run> runs = SyntheticSuites.runs(List.of(
                new CellSpec("async", "lifo", 1.2, SyntheticSuites.around(950, 40, RUNS_EACH))));
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService writers = Executors.newFixedThreadPool(2);
        try {
            List<Future<Long>> suites = new ArrayList<>();
            for (int writer = 0; writer < 2; writer++) {
                String startedAt = "2026-12-02T0" + writer + ":00:00Z";
                suites.add(writers.submit(() -> {
                    try (HistoryStore store = HistoryStore.open(db)) {
                        start.await();
                        long id = store.beginSuite(SyntheticSuites.environment(startedAt, "abc"),
                                SyntheticSuites.plan(scratch, RUNS_EACH), "default", scratch);
                        for (int i = 0; i < runs.size(); i++) {
                            store.recordRun(id, i, runs.get(i).record(), runs.get(i).result());
                        }
                        return id;
                    }
                }));
            }
            start.countDown();
            for (Future<Long> suite : suites) {
                suite.get(4, TimeUnit.MINUTES);
            }
        } finally {
            writers.shutdownNow();
        }
        try (HistoryStore store = HistoryStore.open(db)) {
            assertThat(store.suites()).hasSize(2).allSatisfy(suite -> assertThat(suite.runCount()).isEqualTo(RUNS_EACH));
        }
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement statement = connection.createStatement()) {
            try (ResultSet check = statement.executeQuery("PRAGMA integrity_check")) {
                check.next();
                assertThat(check.getString(1)).isEqualTo("ok");
            }
            try (ResultSet mode = statement.executeQuery("PRAGMA journal_mode")) {
                mode.next();
                assertThat(mode.getString(1)).isEqualTo("wal");
            }
            try (ResultSet histograms = statement.executeQuery("SELECT count(*) FROM histograms")) {
                histograms.next();
                assertThat(histograms.getInt(1)).isEqualTo(2 * RUNS_EACH * 5);
            }
        }
    }
}
