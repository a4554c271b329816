package dev.loadlab.suite.history;

import static dev.loadlab.suite.SyntheticSuites.around;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loadlab.client.output.ResultFiles;
import dev.loadlab.suite.SyntheticSuites;
import dev.loadlab.suite.SyntheticSuites.CellSpec;
import dev.loadlab.suite.report.ReportWriter;
import dev.loadlab.suite.results.SuiteResults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryStoreTest {
    @TempDir
    Path scratch;

    private static List<CellSpec> cells(double asyncLifoGoodput, double asyncLifoP99) {
        return List.of(new CellSpec("threads", "fifo", 1.2, around(300, 900, 3)),
                new CellSpec("async", "lifo", 1.2, around(asyncLifoGoodput, asyncLifoP99, 3)));
    }

    @Test
    void aStoredSuiteRestoresToTheSameReport() throws Exception {
        SuiteResults original = SyntheticSuites.write(scratch.resolve("original"), "2026-12-01T10:00:00Z",
                "abc123def456-dirty", cells(950, 40));
        ReportWriter.writeAll(original);
        try (HistoryStore store = HistoryStore.open(scratch.resolve("history.db"))) {
            HistoryStore.Imported imported = store.importFolder(original.directory());
            SuiteResults restored = store.restore(imported.suiteId(), scratch.resolve("restored"));
            ReportWriter.writeAll(restored);
        }
        for (String file : List.of(ReportWriter.MARKDOWN_FILE, ReportWriter.HTML_FILE, SuiteResults.CSV_FILE)) {
            assertThat(Files.readString(scratch.resolve("restored").resolve(file))).as(file)
                    .isEqualTo(Files.readString(scratch.resolve("original").resolve(file)));
        }
    }

    @Test
    void importingAFolderTwiceAddsItOnce() throws Exception {
        SuiteResults suite = SyntheticSuites.write(scratch.resolve("a"), "2026-12-01T10:00:00Z", "abc", cells(950, 40));
        try (HistoryStore store = HistoryStore.open(scratch.resolve("history.db"))) {
            HistoryStore.Imported first = store.importFolder(suite.directory());
            HistoryStore.Imported second = store.importFolder(suite.directory());
            assertThat(first.added()).isTrue();
            assertThat(second.added()).isFalse();
            assertThat(second.suiteId()).isEqualTo(first.suiteId());
            assertThat(store.suites()).singleElement().satisfies(stored -> {
                assertThat(stored.state()).isEqualTo("complete");
                assertThat(stored.runCount()).isEqualTo(6);
                assertThat(stored.measuredCount()).isEqualTo(6);
                assertThat(stored.commit()).isEqualTo("abc");
            });
        }
    }

    @Test
    void everyRunKeepsItsHistogramsInHdrHistogramsEncoding() throws Exception {
        SuiteResults suite = SyntheticSuites.write(scratch.resolve("a"), "2026-12-01T10:00:00Z", "abc", cells(950, 40));
        Path db = scratch.resolve("history.db");
        try (HistoryStore store = HistoryStore.open(db)) {
            store.importFolder(suite.directory());
        }
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT h.hdr, r.p99_ms FROM histograms h JOIN runs r USING (run_pk)"
                     + " WHERE r.cell = 'overload-async-lifo-120pct' AND r.repeat = 2 AND h.kind = 'latency'")) {
            assertThat(row.next()).isTrue();
            var histogram = org.HdrHistogram.Histogram.decodeFromCompressedByteBuffer(
                    java.nio.ByteBuffer.wrap(row.getBytes(1)), 0);
            assertThat(histogram.getValueAtPercentile(99) / 1000.0).isCloseTo(row.getDouble(2),
                    org.assertj.core.data.Offset.offset(0.05));
            assertThat(histogram.getTotalCount()).isEqualTo(100);
        }
    }

    @Test
    void theRunsTableHoldsEveryColumnOfResultsCsv() throws Exception {
        SuiteResults suite = SyntheticSuites.write(scratch.resolve("a"), "2026-12-01T10:00:00Z", "abc", cells(950, 40));
        Set<String> clientColumns = new LinkedHashSet<>(ResultFiles.csvRow(suite.runs().getFirst().result()).keySet());
        RunColumns.CLIENT_SETTINGS.forEach(clientColumns::remove);
        assertThat(RunColumns.clientCsvNames()).containsExactlyElementsOf(clientColumns);
        suite.writeCsv();
        String header = Files.readAllLines(suite.directory().resolve(SuiteResults.CSV_FILE)).getFirst();
        assertThat(header.split(",")).as("every column name once").doesNotHaveDuplicates()
                .contains("connections", "client_connections", "disturbed", "client_disturbed");
        List<String> suiteColumns = List.of(header.split(",")).subList(0, header.split(",").length - clientColumns.size()
                - RunColumns.CLIENT_SETTINGS.size());
        assertThat(RunColumns.ALL.stream().map(RunColumns.Column::name)).containsAll(
                suiteColumns.stream().map(name -> name.equals("id") ? "run_id" : name).toList());
    }

    @Test
    void aVersion1DatabaseMigratesToTheCurrentSchema() throws Exception {
        Path db = scratch.resolve("v1.db");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement statement = connection.createStatement()) {
            for (String sql : HistorySchema.VERSION_1) {
                statement.execute(sql);
            }
            statement.execute("PRAGMA user_version = 1");
            statement.execute("INSERT INTO suites (status, source, started_at, git_commit, environment_json,"
                    + " settings_json) VALUES ('complete', 'import', '2026-11-30T09:00:00Z', 'abc123-dirty', '{}', '{}')");
            statement.execute("INSERT INTO suites (status, source, started_at, git_commit, environment_json,"
                    + " settings_json) VALUES ('complete', 'import', '2026-11-30T10:00:00Z', 'def456', '{}', '{}')");
            statement.execute("INSERT INTO runs (suite_id, seq, run_id, cell, phase, measured, p99_ms, record_json)"
                    + " VALUES (1, 0, 'overload-async-lifo-120pct-r1', 'overload-async-lifo-120pct', 'overload', 1, 41.5,"
                    + " '{}')");
        }
        try (HistoryStore store = HistoryStore.open(db)) {
            assertThat(store.schemaVersion()).isEqualTo(HistorySchema.CURRENT_VERSION).isEqualTo(2);
            assertThat(store.suites()).extracting(StoredSuite::gitCommit, StoredSuite::gitDirty, StoredSuite::commit)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("abc123", true, "abc123-dirty"),
                            org.assertj.core.groups.Tuple.tuple("def456", false, "def456"));
        }
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT git_commit, p99_ms FROM suite_runs")) {
            assertThat(row.next()).isTrue();
            assertThat(row.getString(1)).isEqualTo("abc123");
            assertThat(row.getDouble(2)).isEqualTo(41.5);
        }
    }

    @Test
    void aNewDatabaseIsTheMigratedVersion1() throws Exception {
        Path fresh = scratch.resolve("fresh.db");
        HistoryStore.open(fresh).close();
        Path migrated = scratch.resolve("migrated.db");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + migrated);
             Statement statement = connection.createStatement()) {
            for (String sql : HistorySchema.VERSION_1) {
                statement.execute(sql);
            }
            statement.execute("PRAGMA user_version = 1");
        }
        HistoryStore.open(migrated).close();
        assertThat(schema(fresh)).isEqualTo(schema(migrated)).isNotEmpty();
    }

    @Test
    void aDatabaseNewerThanThisSuiteIsRefused() throws Exception {
        Path db = scratch.resolve("newer.db");
        HistoryStore.open(db).close();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA user_version = " + (HistorySchema.CURRENT_VERSION + 1));
        }
        assertThatThrownBy(() -> HistoryStore.open(db)).isInstanceOf(SQLException.class)
                .hasMessageContaining("newer than this suite's");
    }

    private static List<String> schema(Path db) throws SQLException {
        List<String> sql = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT type, name, sql FROM sqlite_master ORDER BY name")) {
            while (rows.next()) {
                sql.add(rows.getString(1) + " " + rows.getString(2) + " " + rows.getString(3));
            }
        }
        return sql;
    }
}
