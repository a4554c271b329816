package dev.loadlab.suite.history;

import dev.loadlab.suite.SyntheticSuites;
import dev.loadlab.suite.SyntheticSuites.CellSpec;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;

/**
 * A writer for {@link KilledWriterTest} to kill, run as its own JVM: {@code runs DB} begins a
 * suite and records runs without end, saying {@code recorded N} after each;
 * {@code open-transaction DB} begins a write transaction, inserts a run, says
 * {@code in transaction} and waits, never committing.
 */
public final class HistoryWriterChild {
    private HistoryWriterChild() {
    }

    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[1]);
        List<SyntheticSuites.Run> runs = SyntheticSuites.runs(List.of(
                new CellSpec("async", "lifo", 1.2, SyntheticSuites.around(950, 40, 1))));
        SyntheticSuites.Run run = runs.getFirst();
        if (args[0].equals("runs")) {
            try (HistoryStore store = HistoryStore.open(db)) {
                long suite = store.beginSuite(SyntheticSuites.environment("2026-12-02T08:00:00Z", "abc"),
                        SyntheticSuites.plan(db.getParent().resolve("child"), 1), "default", db.getParent());
                for (int index = 0; ; index++) {
                    store.recordRun(suite, index, run.record(), run.result());
                    System.out.println("recorded " + (index + 1));
                }
            }
        }
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA busy_timeout = 60000");
            statement.execute("BEGIN IMMEDIATE");
            statement.execute("INSERT INTO runs (suite_id, seq, run_id, cell, phase, measured, record_json)"
                    + " VALUES (1, 999, 'uncommitted', 'uncommitted', 'overload', 0, '{}')");
            System.out.println("in transaction");
            Thread.sleep(600_000);
        }
    }
}
