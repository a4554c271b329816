package dev.loadlab.suite.history;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The history's tables, and how a database of any earlier version becomes the current one. The
 * version is SQLite's {@code PRAGMA user_version}. A new database is made as version 1 and then
 * migrated like any other, so that the migrations are the one path to the current schema and a
 * fresh database and a migrated one cannot differ. The README's "History" section documents every
 * table and column; change both together, and add a migration rather than editing an old step.
 *
 * <ul>
 *   <li>1: {@code suites}, {@code runs} (the columns of {@code results.csv}), {@code histograms};
 *       {@code suites.git_commit} carries the suite's {@code -dirty} suffix.
 *   <li>2: {@code suites.git_dirty} (0 or 1) split off {@code git_commit}; the view
 *       {@code suite_runs} (every run with its suite's date, commit and status).
 * </ul>
 */
final class HistorySchema {
    /** The version this suite writes. */
    static final int CURRENT_VERSION = 2;

    /** Version 1, as it was first written; kept so that every database migrates the same way. */
    static final List<String> VERSION_1 = List.of("""
            CREATE TABLE suites (
              suite_id INTEGER PRIMARY KEY,
              status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'incomplete')),
              source TEXT NOT NULL CHECK (source IN ('run', 'import')),
              folder TEXT,
              writer_host TEXT,
              writer_pid INTEGER,
              started_at TEXT NOT NULL,
              finished_at TEXT,
              jdk TEXT,
              jdk_vendor TEXT,
              os TEXT,
              arch TEXT,
              cores INTEGER,
              cpu_model TEXT,
              memory_bytes INTEGER,
              git_commit TEXT,
              profile TEXT,
              phases TEXT,
              models TEXT,
              repeats INTEGER,
              duration_s INTEGER,
              warmup_s INTEGER,
              io_ms INTEGER,
              cpu_ms INTEGER,
              deadline_ms INTEGER,
              suite_version INTEGER,
              environment_json TEXT NOT NULL,
              settings_json TEXT NOT NULL,
              machine_at_start_json TEXT,
              capacity_json TEXT,
              jmh_json TEXT,
              jmh_results_json TEXT
            )""", """
            CREATE TABLE runs (
              run_pk INTEGER PRIMARY KEY,
              suite_id INTEGER NOT NULL REFERENCES suites (suite_id) ON DELETE CASCADE,
              seq INTEGER NOT NULL,
            """ + RunColumns.definitions() + """
              record_json TEXT NOT NULL,
              result_json TEXT,
              UNIQUE (suite_id, seq)
            )""",
            "CREATE INDEX runs_by_cell ON runs (cell, suite_id)", """
            CREATE TABLE histograms (
              run_pk INTEGER NOT NULL REFERENCES runs (run_pk) ON DELETE CASCADE,
              kind TEXT NOT NULL,
              total_count INTEGER NOT NULL,
              hdr BLOB NOT NULL,
              PRIMARY KEY (run_pk, kind)
            )""");

    /** Version 1 to 2. */
    private static final List<String> TO_VERSION_2 = List.of(
            "ALTER TABLE suites ADD COLUMN git_dirty INTEGER",
            "UPDATE suites SET git_dirty = CASE WHEN git_commit LIKE '%-dirty' THEN 1 ELSE 0 END"
                    + " WHERE git_commit IS NOT NULL",
            "UPDATE suites SET git_commit = substr(git_commit, 1, length(git_commit) - length('-dirty'))"
                    + " WHERE git_commit LIKE '%-dirty'", """
            CREATE VIEW suite_runs AS
              SELECT s.started_at, s.git_commit, s.git_dirty, s.status, s.profile, r.*
              FROM runs r JOIN suites s USING (suite_id)""");

    /** The steps, by the version each one makes: index 0 makes version 1. */
    private static final List<List<String>> STEPS = List.of(VERSION_1, TO_VERSION_2);

    private HistorySchema() {
    }

    static int version(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("PRAGMA user_version")) {
            return result.next() ? result.getInt(1) : 0;
        }
    }

    /**
     * Brings the database to {@link #CURRENT_VERSION}, one transaction per step (the version is
     * read again inside it, so two suites opening one new file at once make it once). A database
     * newer than this suite is refused rather than written with an older idea of its tables.
     */
    static void migrate(Connection connection) throws SQLException {
        while (true) {
            boolean done = Transactions.inTransaction(connection, () -> {
                int version = version(connection);
                if (version > CURRENT_VERSION) {
                    throw new SQLException("its schema is version " + version + ", newer than this suite's "
                            + CURRENT_VERSION + ": use a newer suite.jar");
                }
                if (version == CURRENT_VERSION) {
                    return true;
                }
                migrateOneStep(connection, version);
                return false;
            });
            if (done) {
                return;
            }
        }
    }

    /** Applies the step from {@code version} to the next, inside the caller's transaction. */
    static void migrateOneStep(Connection connection, int version) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : STEPS.get(version)) {
                statement.execute(sql);
            }
            statement.execute("PRAGMA user_version = " + (version + 1));
        }
    }
}
