package dev.loadlab.suite.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadlab.suite.SyntheticSuites;
import dev.loadlab.suite.SyntheticSuites.CellSpec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A writer killed outright (SIGKILL, by its process id) leaves the history readable and writable. */
class KilledWriterTest {
    @TempDir
    Path scratch;

    @Test
    void aWriterKilledWhileRecordingRunsLeavesWholeRunsAndAnIncompleteSuite() throws Exception {
        Path db = scratch.resolve("history.db");
        Process child = start("runs", db);
        try {
            awaitLine(child, line -> line.equals("recorded 20"));
        } finally {
            kill(child);
        }
        try (HistoryStore store = HistoryStore.open(db)) {
            StoredSuite suite = store.suites().getFirst();
            assertThat(suite.state()).isEqualTo("incomplete");
            assertThat(suite.runCount()).isGreaterThanOrEqualTo(20);
            assertThat(scalar(db, "PRAGMA integrity_check")).isEqualTo("ok");
            assertThat(scalar(db, "SELECT count(*) FROM runs r WHERE (SELECT count(*) FROM histograms h"
                    + " WHERE h.run_pk = r.run_pk) <> 5")).as("runs without all five histograms").isEqualTo("0");
            SyntheticSuites.Run run = SyntheticSuites.runs(List.of(
                    new CellSpec("async", "lifo", 1.2, SyntheticSuites.around(950, 40, 1)))).getFirst();
            store.recordRun(suite.id(), suite.runCount(), run.record(), run.result());
            assertThat(store.suite(suite.id()).orElseThrow().runCount()).isEqualTo(suite.runCount() + 1);
        }
    }

    @Test
    void aTransactionLeftOpenByAKilledWriterIsRolledBack() throws Exception {
        Path db = scratch.resolve("history.db");
        long suiteId;
        try (HistoryStore store = HistoryStore.open(db)) {
            suiteId = store.beginSuite(SyntheticSuites.environment("2026-12-02T08:00:00Z", "abc"),
                    SyntheticSuites.plan(scratch, 1), "default", scratch);
        }
        Process child = start("open-transaction", db);
        try {
            awaitLine(child, line -> line.equals("in transaction"));
        } finally {
            kill(child);
        }
        try (HistoryStore store = HistoryStore.open(db)) {
            assertThat(scalar(db, "PRAGMA integrity_check")).isEqualTo("ok");
            assertThat(scalar(db, "SELECT count(*) FROM runs WHERE run_id = 'uncommitted'")).isEqualTo("0");
            store.markIncomplete(suiteId); // a write: the killed writer's lock is gone
            assertThat(store.suite(suiteId).orElseThrow().status()).isEqualTo("incomplete");
        }
    }

    private static Process start(String mode, Path db) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                HistoryWriterChild.class.getName(), mode, db.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Reads the child's lines until one matches; fails if it ends first. Bounded by the test's own timeout. */
    private static void awaitLine(Process child, java.util.function.Predicate<String> wanted) throws Exception {
        BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = lines.readLine()) != null) {
            if (wanted.test(line)) {
                return;
            }
        }
        throw new AssertionError("the writer ended (exit " + child.waitFor() + ") before the moment to kill it");
    }

    /** SIGKILL by process id: nothing of the writer runs after it, no shutdown hook, no rollback of its own. */
    private static void kill(Process child) throws Exception {
        new ProcessBuilder("kill", "-KILL", String.valueOf(child.pid())).start().waitFor();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the writer is gone").isTrue();
    }

    private static String scalar(Path db, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getString(1);
        }
    }
}
