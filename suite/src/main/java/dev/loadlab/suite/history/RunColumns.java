package dev.loadlab.suite.history;

import dev.loadlab.client.output.ResultFiles;
import dev.loadlab.suite.results.MachineShare;
import dev.loadlab.suite.results.RunRecord;
import dev.loadlab.suite.results.SuiteResults.Run;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The columns of the {@code runs} table: those of {@code results.csv}, typed, in its order (the
 * suite's, then the client's), with the few the CSV leaves out (scenario, the faulty backend, the
 * client's exit code, the note). Two CSV names appear twice there, once from the suite and once
 * from the client: the client's are {@code client_connections} and {@code client_disturbed} here.
 * {@code mode}, {@code concurrency}, {@code rate_hz} and {@code timeout_ms} are the run's settings,
 * so they are filled for a run whose client wrote no result too; every other client column is then
 * null. Units are in the names, as in the CSV: ms, s, rps, hz, cores; fractions are 0..1.
 */
final class RunColumns {
    /** How a column is stored: booleans as 0 or 1. */
    enum Type {
        TEXT, INTEGER, REAL, BOOLEAN;

        String sql() {
            return this == BOOLEAN ? "INTEGER" : name();
        }
    }

    /** A column, and its name in {@code results.csv}'s client part; null for the suite's own. */
    record Column(String name, Type type, String csvName) {
    }

    /** The suite's columns, computed from the run's record. */
    private static final List<Column> SUITE = List.of(
            suite("run_id", Type.TEXT), suite("cell", Type.TEXT), suite("repeat", Type.INTEGER),
            suite("phase", Type.TEXT), suite("model", Type.TEXT), suite("discipline", Type.TEXT),
            suite("workers", Type.INTEGER), suite("load_fraction", Type.REAL), suite("connections", Type.INTEGER),
            suite("instances", Type.INTEGER), suite("strategy", Type.TEXT), suite("server_cpu_s_per_10k", Type.REAL),
            suite("balancer_cpu_s_per_10k", Type.REAL), suite("client_limit", Type.TEXT),
            suite("machine_busy_cores", Type.REAL), suite("own_cores", Type.REAL), suite("foreign_cores", Type.REAL),
            suite("machine_steal", Type.REAL), suite("disturbed", Type.BOOLEAN), suite("disturbance", Type.TEXT),
            suite("scenario", Type.TEXT), suite("faulty_backend", Type.TEXT), suite("client_exit_code", Type.INTEGER),
            suite("note", Type.TEXT), suite("measured", Type.BOOLEAN),
            suite("mode", Type.TEXT), suite("concurrency", Type.INTEGER), suite("rate_hz", Type.REAL),
            suite("timeout_ms", Type.INTEGER));

    /** The client's columns, from {@link ResultFiles#csvRow}. */
    private static final List<Column> CLIENT = List.of(
            client("start_time", Type.TEXT), client("label", Type.TEXT), client("method", Type.TEXT),
            client("url", Type.TEXT), client("arrival", Type.TEXT), client("requests", Type.INTEGER),
            client("duration_ms", Type.INTEGER), client("warmup_ms", Type.INTEGER), client("sent", Type.INTEGER),
            client("successful", Type.INTEGER), client("failed", Type.INTEGER), client("failed_status", Type.INTEGER),
            client("failed_timeout", Type.INTEGER), client("failed_connect_refused", Type.INTEGER),
            client("failed_connection_reset", Type.INTEGER), client("failed_io_error", Type.INTEGER),
            client("failed_other_error", Type.INTEGER), client("total_time_ms", Type.REAL),
            client("throughput_rps", Type.REAL), client("successful_throughput_rps", Type.REAL),
            client("mean_ms", Type.REAL), client("p50_ms", Type.REAL), client("p75_ms", Type.REAL),
            client("p90_ms", Type.REAL), client("p99_ms", Type.REAL), client("p999_ms", Type.REAL),
            client("p9999_ms", Type.REAL), client("max_ms", Type.REAL), client("uncorrected_p99_ms", Type.REAL),
            client("uncorrected_max_ms", Type.REAL), client("dispatch_lag_p99_ms", Type.REAL),
            client("achieved_rate_hz", Type.REAL), client("behind_schedule", Type.BOOLEAN),
            client("server_queued_p99_ms", Type.REAL), client("server_service_p99_ms", Type.REAL),
            client("jdk", Type.TEXT), client("cores", Type.INTEGER),
            new Column("client_connections", Type.INTEGER, "connections"),
            client("client_cpu_seconds", Type.REAL), client("client_cpu_per_10k_requests", Type.REAL),
            client("client_saturated", Type.BOOLEAN), client("machine_cpu_steal", Type.REAL),
            new Column("client_disturbed", Type.BOOLEAN, "disturbed"), client("transport", Type.TEXT),
            client("io_threads", Type.INTEGER), client("client_cpu_utilization", Type.REAL),
            client("foreign_cpu_utilization", Type.REAL), client("client_limited", Type.BOOLEAN),
            client("client_limit_reasons", Type.TEXT),
            client("generator_index", Type.INTEGER), client("generator_count", Type.INTEGER),
            client("start_at", Type.TEXT), client("late_start_ms", Type.REAL),
            client("merged_generators", Type.INTEGER), client("merge_warnings", Type.TEXT));

    /** The client's CSV columns the suite's record already gives: its settings. */
    static final List<String> CLIENT_SETTINGS = List.of("mode", "concurrency", "rate_hz", "timeout_ms");

    static final List<Column> ALL;

    static {
        List<Column> all = new ArrayList<>(SUITE);
        all.addAll(CLIENT);
        ALL = List.copyOf(all);
    }

    private RunColumns() {
    }

    private static Column suite(String name, Type type) {
        return new Column(name, type, null);
    }

    private static Column client(String name, Type type) {
        return new Column(name, type, name);
    }

    /** The client's CSV names this table stores, for the drift test against {@link ResultFiles#csvRow}. */
    static List<String> clientCsvNames() {
        return CLIENT.stream().map(Column::csvName).toList();
    }

    /** {@code name TYPE,} lines of the CREATE TABLE. */
    static String definitions() {
        return ALL.stream().map(c -> "  " + c.name() + " " + c.type().sql() + ",\n").collect(Collectors.joining());
    }

    /** Every column's value for one run, typed (String, Long, Double, Boolean), null where there is none. */
    static Map<String, Object> values(Run run) {
        RunRecord r = run.record();
        MachineShare m = r.machine();
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("run_id", r.id());
        values.put("cell", r.cell());
        values.put("repeat", (long) r.repeat());
        values.put("phase", r.phase());
        values.put("model", r.model());
        values.put("discipline", r.discipline());
        values.put("workers", (long) r.workers());
        values.put("load_fraction", r.loadFraction());
        values.put("connections", longOrNull(r.connections()));
        values.put("instances", longOrNull(r.instances()));
        values.put("strategy", r.strategy());
        values.put("server_cpu_s_per_10k", run.measured() ? finite(run.serverCpuPer10k()) : null);
        values.put("balancer_cpu_s_per_10k", run.measured() ? finite(run.balancerCpuPer10k()) : null);
        values.put("client_limit", run.measured() ? run.clientLimit().orElse("") : null);
        values.put("machine_busy_cores", m == null ? null : m.busyCores());
        values.put("own_cores", m == null ? null : m.ownCores());
        values.put("foreign_cores", m == null ? null : m.foreignCores());
        values.put("machine_steal", m == null ? null : m.stealFraction());
        values.put("disturbed", r.disturbed());
        values.put("disturbance", m == null ? "" : m.disturbance());
        values.put("scenario", r.scenario());
        values.put("faulty_backend", r.faultyBackend());
        values.put("client_exit_code", longOrNull(r.clientExitCode()));
        values.put("note", r.note());
        values.put("measured", run.measured());
        values.put("mode", r.mode());
        values.put("concurrency", longOrNull(r.concurrency()));
        values.put("rate_hz", r.rateHz());
        values.put("timeout_ms", (long) r.timeoutMillis());
        Map<String, String> csv = run.measured() ? ResultFiles.csvRow(run.result()) : Map.of();
        for (Column column : CLIENT) {
            String text = csv.get(column.csvName());
            values.put(column.name(), text == null || text.isEmpty() ? null : typed(unquoted(text), column.type()));
        }
        return values;
    }

    private static Object typed(String text, Type type) {
        return switch (type) {
            case TEXT -> text;
            case INTEGER -> Long.parseLong(text);
            case REAL -> Double.parseDouble(text);
            case BOOLEAN -> Boolean.parseBoolean(text);
        };
    }

    /** A CSV field as written by the client: quoted when it holds a comma, a quote or a newline. */
    private static String unquoted(String field) {
        return field.length() >= 2 && field.startsWith("\"") && field.endsWith("\"")
                ? field.substring(1, field.length() - 1).replace("\"\"", "\"") : field;
    }

    private static Long longOrNull(Integer value) {
        return value == null ? null : value.longValue();
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
