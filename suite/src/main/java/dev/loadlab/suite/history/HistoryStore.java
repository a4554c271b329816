package dev.loadlab.suite.history;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadlab.client.output.HistogramSummary;
import dev.loadlab.client.output.ResultDocument;
import dev.loadlab.client.output.ResultFiles;
import dev.loadlab.suite.plan.SuitePlan;
import dev.loadlab.suite.results.JmhRecord;
import dev.loadlab.suite.results.MachineShare;
import dev.loadlab.suite.results.RunRecord;
import dev.loadlab.suite.results.SuiteEnvironment;
import dev.loadlab.suite.results.SuiteResults;
import dev.loadlab.suite.results.SuiteResults.SuiteFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.concurrent.TimeUnit;

/**
 * The results history: one SQLite file ({@code results/history.db} by default) that every suite
 * appends to, readable without loadlab ({@code sqlite3}, Python, pandas). {@link HistorySchema}
 * defines its tables; the README's "History" section documents them.
 *
 * <p>Writes. A suite's row is written when it starts, with status {@code running}; each run, with
 * its histograms, in one transaction as soon as it is over; the status becomes {@code complete}
 * at the end. A suite killed at any moment so leaves every run it finished, and no part of the
 * one it was writing, and stays {@code running} with a process id that no longer exists, which
 * {@link StoredSuite#state} reports as incomplete.
 *
 * <p>Several writers. The database is in WAL mode (readers never block the writer, nor it them)
 * with a busy timeout of {@value #BUSY_TIMEOUT_MILLIS} ms, and every write takes the write lock at
 * its start ({@link Transactions}): two suites writing at once wait for each other, briefly,
 * instead of failing or corrupting it.
 *
 * <p>Threading: a store is one connection, for one thread; other threads and processes open their own.
 */
public final class HistoryStore implements AutoCloseable {
    /** The history's file name in the results folder. */
    public static final String DEFAULT_FILE = "history.db";
    /** How long a write waits for another writer's transaction, at most. */
    static final int BUSY_TIMEOUT_MILLIS = 60_000;
    /** SQLite's primary result code for a database another connection has locked. */
    private static final int SQLITE_BUSY = 5;

    private static final ObjectMapper JSON = SuiteResults.mapper().disable(SerializationFeature.INDENT_OUTPUT);
    private static final String ENCODED = "encoded";
    private static final TypeReference<LinkedHashMap<String, Double>> CAPACITIES = new TypeReference<>() {
    };
    private static final String SUITE_COLUMNS = "s.suite_id, s.status, s.source, s.folder, s.started_at,"
            + " s.finished_at, s.git_commit, s.git_dirty, s.profile, s.phases, s.models, s.repeats, s.duration_s,"
            + " s.warmup_s, s.io_ms, s.cpu_ms, s.cores, s.writer_host, s.writer_pid,"
            + " (SELECT count(*) FROM runs r WHERE r.suite_id = s.suite_id),"
            + " (SELECT count(*) FROM runs r WHERE r.suite_id = s.suite_id AND r.measured = 1)";

    private final Path file;
    private final Connection connection;

    private HistoryStore(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /** Opens (creating it and its folder if need be) and migrates the history in {@code file}. */
    public static HistoryStore open(Path file) throws SQLException {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new SQLException("cannot create the folder of " + file + ": " + e.getMessage(), e);
        }
        Properties properties = new Properties();
        properties.setProperty("busy_timeout", String.valueOf(BUSY_TIMEOUT_MILLIS));
        properties.setProperty("foreign_keys", "true");
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), properties);
        try {
            useWriteAheadLog(connection);
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA synchronous = NORMAL");
            }
            HistorySchema.migrate(connection);
            return new HistoryStore(file, connection);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * Switches the database to WAL. Two suites opening a new history at once both ask for the
     * switch, and SQLite answers the loser SQLITE_BUSY at once instead of waiting out the busy
     * timeout (seen in ConcurrentWritersTest on a busy 2-core machine): so it is asked again
     * every 10 ms, until the busy timeout has passed.
     */
    private static void useWriteAheadLog(Connection connection) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BUSY_TIMEOUT_MILLIS);
        while (true) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA journal_mode = WAL");
                return;
            } catch (SQLException e) {
                if (e.getErrorCode() != SQLITE_BUSY || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while the history was busy", e);
            }
        }
    }

    public Path file() {
        return file;
    }

    /** The schema version of the open database: {@link HistorySchema#CURRENT_VERSION} once opened. */
    public int schemaVersion() throws SQLException {
        return HistorySchema.version(connection);
    }

    /**
     * Writes a starting suite's row, status {@code running}, and returns its id.
     *
     * @param profile the options {@code suite run} was given, {@code default} for none
     * @param folder  its results folder
     */
    public long beginSuite(SuiteEnvironment environment, SuitePlan plan, String profile, Path folder)
            throws SQLException {
        return Transactions.inTransaction(connection,
                () -> insertSuite("running", "run", environment, plan, profile, folder));
    }

    /**
     * Appends one finished run of suite {@code suiteId}, its place {@code index} in suite.json's
     * runs, with the client's result and every histogram of it, in one transaction.
     *
     * @param result the client's result; null when it wrote none
     */
    public void recordRun(long suiteId, int index, RunRecord record, ResultDocument result) throws SQLException {
        Transactions.inTransaction(connection, () -> {
            insertRun(suiteId, index, record, result);
            return null;
        });
    }

    /**
     * Completes suite {@code suiteId} with its {@code suite.json}: what only the end knows
     * (capacities, JMH), any run not yet stored, status {@code complete}; one transaction.
     */
    public void finishSuite(long suiteId, SuiteFile suite, Path folder) throws SQLException {
        Transactions.inTransaction(connection, () -> {
            completeSuite(suiteId, suite, folder);
            return null;
        });
    }

    /** Marks a suite that stopped with an error {@code incomplete}. */
    public void markIncomplete(long suiteId) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE suites SET status = 'incomplete' WHERE suite_id = ? AND status = 'running'")) {
            update.setLong(1, suiteId);
            update.executeUpdate();
        }
    }

    /** What {@link #importFolder} did. */
    public record Imported(long suiteId, boolean added) {
    }

    /**
     * Loads a results folder written before the history existed (or without it), in one
     * transaction. A suite already in the history (the same start instant) is not added again.
     *
     * @throws IOException when the folder is not a suite's results folder
     */
    public Imported importFolder(Path folder) throws IOException, SQLException {
        SuiteResults results = SuiteResults.load(folder);
        Optional<StoredSuite> known = suiteStartedAt(results.environment().startedAt());
        if (known.isPresent()) {
            return new Imported(known.get().id(), false);
        }
        long id = Transactions.inTransaction(connection, () -> {
            long suiteId = insertSuite("running", "import", results.environment(), results.settings(), null, folder);
            completeSuite(suiteId, results.suite(), folder);
            return suiteId;
        });
        return new Imported(id, true);
    }

    /** Every suite, oldest first. */
    public List<StoredSuite> suites() throws SQLException {
        return querySuites("SELECT " + SUITE_COLUMNS + " FROM suites s ORDER BY s.started_at, s.suite_id");
    }

    public Optional<StoredSuite> suite(long id) throws SQLException {
        return querySuites("SELECT " + SUITE_COLUMNS + " FROM suites s WHERE s.suite_id = ?", id).stream().findFirst();
    }

    /** The suite that started at exactly this instant (suite.json's {@code environment.started_at}). */
    public Optional<StoredSuite> suiteStartedAt(String startedAt) throws SQLException {
        return querySuites("SELECT " + SUITE_COLUMNS + " FROM suites s WHERE s.started_at = ? ORDER BY s.suite_id",
                startedAt).stream().findFirst();
    }

    /**
     * The suite a user names: its id ({@code 12} or {@code #12}), {@code last} (the newest
     * complete suite) or {@code previous} (the complete one before it).
     */
    public Optional<StoredSuite> find(String reference) throws SQLException {
        String name = reference.strip();
        if (name.equals("last") || name.equals("previous")) {
            List<StoredSuite> complete = suites().stream().filter(StoredSuite::complete).toList();
            int index = complete.size() - (name.equals("last") ? 1 : 2);
            return index >= 0 ? Optional.of(complete.get(index)) : Optional.empty();
        }
        try {
            return suite(Long.parseLong(name.startsWith("#") ? name.substring(1) : name));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** {@code candidate}'s cells against {@code base}'s (see {@link Comparison}). */
    public Comparison compare(StoredSuite base, StoredSuite candidate, double alpha, double minChangePercent)
            throws SQLException {
        return Comparison.of(cellRuns(base.id()), cellRuns(candidate.id()), alpha, minChangePercent);
    }

    /** A suite's runs as comparisons see them, in the order they ran. */
    List<CellRun> cellRuns(long suiteId) throws SQLException {
        List<CellRun> runs = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT * FROM runs WHERE suite_id = ? ORDER BY seq")) {
            query.setLong(1, suiteId);
            try (ResultSet rows = query.executeQuery()) {
                ResultSetMetaData meta = rows.getMetaData();
                while (rows.next()) {
                    Map<String, Object> columns = new HashMap<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        columns.put(meta.getColumnName(i), rows.getObject(i));
                    }
                    runs.add(CellRun.of(columns));
                }
            }
        }
        return runs;
    }

    /**
     * Writes suite {@code suiteId} back as a results folder in {@code folder} ({@code suite.json},
     * each run's {@code result.json} with its histograms, JMH's results) and loads it: its reports
     * are the ones its original folder gives. An incomplete suite has no capacities nor JMH.
     */
    public SuiteResults restore(long suiteId, Path folder) throws SQLException, IOException {
        SuiteFile suite;
        try (PreparedStatement query = connection.prepareStatement("SELECT suite_version, finished_at,"
                + " environment_json, settings_json, machine_at_start_json, capacity_json, jmh_json, jmh_results_json"
                + " FROM suites WHERE suite_id = ?")) {
            query.setLong(1, suiteId);
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    throw new SQLException("no suite " + suiteId + " in " + file);
                }
                Files.createDirectories(folder);
                JmhRecord jmh = read(row.getString("jmh_json"), JmhRecord.class);
                String jmhResults = row.getString("jmh_results_json");
                if (jmh != null && jmh.resultFile() != null && jmhResults != null) {
                    Path jmhFile = folder.resolve(jmh.resultFile());
                    Files.createDirectories(jmhFile.getParent());
                    Files.writeString(jmhFile, jmhResults, StandardCharsets.UTF_8);
                }
                String capacities = row.getString("capacity_json");
                suite = new SuiteFile(row.getInt("suite_version"), row.getString("finished_at"),
                        read(row.getString("environment_json"), SuiteEnvironment.class),
                        read(row.getString("settings_json"), SuitePlan.class),
                        read(row.getString("machine_at_start_json"), MachineShare.class),
                        capacities == null ? null : JSON.readValue(capacities, CAPACITIES), restoreRuns(suiteId, folder),
                        jmh, null);
            }
        }
        SuiteResults.writeSuite(folder, suite);
        return SuiteResults.load(folder);
    }

    /** Writes every stored run's result.json under {@code folder}; returns the runs' records. */
    private List<RunRecord> restoreRuns(long suiteId, Path folder) throws SQLException, IOException {
        List<RunRecord> records = new ArrayList<>();
        try (PreparedStatement runs = connection.prepareStatement(
                "SELECT run_pk, record_json, result_json FROM runs WHERE suite_id = ? ORDER BY seq");
             PreparedStatement histograms = connection.prepareStatement(
                     "SELECT kind, hdr FROM histograms WHERE run_pk = ?")) {
            runs.setLong(1, suiteId);
            try (ResultSet row = runs.executeQuery()) {
                while (row.next()) {
                    RunRecord record = JSON.readValue(row.getString(2), RunRecord.class);
                    records.add(record);
                    String resultJson = row.getString(3);
                    if (resultJson == null || record.resultDir() == null) {
                        continue;
                    }
                    ObjectNode result = (ObjectNode) JSON.readTree(resultJson);
                    histograms.setLong(1, row.getLong(1));
                    try (ResultSet histogram = histograms.executeQuery()) {
                        while (histogram.next()) {
                            JsonNode summary = result.path("histograms").path(histogram.getString(1));
                            if (summary instanceof ObjectNode node) {
                                node.put(ENCODED, Base64.getEncoder().encodeToString(histogram.getBytes(2)));
                            }
                        }
                    }
                    Path resultDir = folder.resolve(record.resultDir());
                    Files.createDirectories(resultDir);
                    SuiteResults.mapper().writeValue(resultDir.resolve(ResultFiles.JSON_FILE).toFile(), result);
                }
            }
        }
        return records;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }

    private long insertSuite(String status, String source, SuiteEnvironment environment, SuitePlan plan,
            String profile, Path folder) throws SQLException {
        String commit = environment.gitCommit();
        boolean dirty = commit != null && commit.endsWith("-dirty");
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO suites (status, source, folder,"
                + " writer_host, writer_pid, started_at, jdk, jdk_vendor, os, arch, cores, cpu_model, memory_bytes,"
                + " git_commit, git_dirty, profile, phases, models, repeats, duration_s, warmup_s, io_ms, cpu_ms,"
                + " deadline_ms, environment_json, settings_json)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            Object[] values = {status, source, folder.toAbsolutePath().normalize().toString(), Hostname.current(),
                ProcessHandle.current().pid(), environment.startedAt(), environment.jdk(), environment.jdkVendor(),
                environment.os(), environment.arch(), environment.cores(), environment.cpuModel(),
                environment.memoryBytes(), dirty ? commit.substring(0, commit.length() - "-dirty".length()) : commit,
                commit == null ? null : dirty ? 1 : 0, profile, String.join(",", plan.phases()),
                String.join(",", plan.models()), plan.repeats(), plan.durationSeconds(), plan.warmupSeconds(),
                plan.ioMillis(), plan.cpuMillis(), plan.deadlineMillis(), json(environment), json(plan)};
            for (int i = 0; i < values.length; i++) {
                insert.setObject(i + 1, values[i]);
            }
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    private void completeSuite(long suiteId, SuiteFile suite, Path folder) throws SQLException {
        Map<Integer, Boolean> stored = new HashMap<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT seq FROM runs WHERE suite_id = ?")) {
            query.setLong(1, suiteId);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    stored.put(rows.getInt(1), true);
                }
            }
        }
        List<RunRecord> records = suite.runs();
        for (int index = 0; index < records.size(); index++) {
            if (!stored.containsKey(index)) {
                RunRecord record = records.get(index);
                insertRun(suiteId, index, record, resultOf(folder, record));
            }
        }
        String jmhResults = null;
        if (suite.jmh() != null && suite.jmh().resultFile() != null) {
            Path jmhFile = folder.resolve(suite.jmh().resultFile());
            try {
                jmhResults = Files.isRegularFile(jmhFile) ? Files.readString(jmhFile, StandardCharsets.UTF_8) : null;
            } catch (IOException e) {
                throw new SQLException("cannot read " + jmhFile + ": " + e.getMessage(), e);
            }
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE suites SET status = 'complete',"
                + " finished_at = ?, suite_version = ?, machine_at_start_json = ?, capacity_json = ?, jmh_json = ?,"
                + " jmh_results_json = ? WHERE suite_id = ?")) {
            update.setString(1, suite.finishedAt());
            update.setInt(2, suite.suiteVersion());
            update.setString(3, jsonOrNull(suite.machineAtStart()));
            update.setString(4, jsonOrNull(suite.capacityRps()));
            update.setString(5, jsonOrNull(suite.jmh()));
            update.setString(6, jmhResults);
            update.setLong(7, suiteId);
            update.executeUpdate();
        }
    }

    /** The client's result of {@code record} in {@code folder}, or null if it wrote none. */
    static ResultDocument resultOf(Path folder, RunRecord record) throws SQLException {
        if (record.resultDir() == null) {
            return null;
        }
        try {
            return SuiteResults.readResult(folder.resolve(record.resultDir())).orElse(null);
        } catch (IOException e) {
            throw new SQLException("cannot read the result of " + record.id() + ": " + e.getMessage(), e);
        }
    }

    private void insertRun(long suiteId, int index, RunRecord record, ResultDocument result) throws SQLException {
        Map<String, Object> values = RunColumns.values(new SuiteResults.Run(record, result));
        String names = String.join(", ", values.keySet());
        String marks = values.keySet().stream().map(name -> "?").collect(Collectors.joining(", "));
        ObjectNode resultTree = result == null ? null : JSON.valueToTree(result);
        Map<String, byte[]> encoded = new LinkedHashMap<>();
        if (resultTree != null) {
            Iterator<Map.Entry<String, JsonNode>> histograms = resultTree.path("histograms").fields();
            while (histograms.hasNext()) {
                Map.Entry<String, JsonNode> histogram = histograms.next();
                if (histogram.getValue() instanceof ObjectNode summary && summary.hasNonNull(ENCODED)) {
                    encoded.put(histogram.getKey(), Base64.getDecoder().decode(summary.remove(ENCODED).asText()));
                }
            }
        }
        long runKey;
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO runs (suite_id, seq, " + names
                + ", record_json, result_json) VALUES (?, ?, " + marks + ", ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            int at = 1;
            insert.setLong(at++, suiteId);
            insert.setInt(at++, index);
            for (Object value : values.values()) {
                insert.setObject(at++, value instanceof Boolean b ? (b ? 1 : 0) : value);
            }
            insert.setString(at++, json(record));
            insert.setString(at, resultTree == null ? null : resultTree.toString());
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                runKey = keys.getLong(1);
            }
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO histograms (run_pk, kind, total_count, hdr) VALUES (?, ?, ?, ?)")) {
            for (Map.Entry<String, byte[]> histogram : encoded.entrySet()) {
                HistogramSummary summary = result.histograms().get(histogram.getKey());
                insert.setLong(1, runKey);
                insert.setString(2, histogram.getKey());
                insert.setLong(3, summary.count());
                insert.setBytes(4, histogram.getValue());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private List<StoredSuite> querySuites(String sql, Object... parameters) throws SQLException {
        List<StoredSuite> suites = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setObject(i + 1, parameters[i]);
            }
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    suites.add(new StoredSuite(row.getLong(1), row.getString(2), row.getString(3), row.getString(4),
                            row.getString(5), row.getString(6), row.getString(7), row.getInt(8) == 1,
                            row.getString(9), row.getString(10), row.getString(11), row.getInt(12), row.getInt(13),
                            row.getInt(14), row.getInt(15), row.getInt(16), row.getInt(17), row.getInt(20),
                            row.getInt(21), row.getString(18), row.getLong(19)));
                }
            }
        }
        return suites;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String jsonOrNull(Object value) {
        return value == null ? null : json(value);
    }

    private static <T> T read(String json, Class<T> type) throws IOException {
        return json == null ? null : JSON.readValue(json, type);
    }
}
