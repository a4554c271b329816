package dev.loadlab.suite.history;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * One run as a comparison sees it: the cell it measured, whether it was measured at all and
 * whether the machine disturbed it, and its figures. Built from a {@code runs} row, or from a
 * results folder's run through the same {@link RunColumns}, so the two cannot disagree.
 *
 * @param figures the run's figures; empty when it was not measured
 */
record CellRun(CellKey key, boolean measured, boolean disturbed, Map<Figure, Double> figures) {

    /**
     * What identifies a cell across suites: its name ({@code overload-async-lifo-120pct}, which holds
     * the phase, model, lane and load) and the settings the name leaves out.
     */
    record CellKey(String cell, String phase, String model, String discipline, Long workers, String mode,
                   Long concurrency, Double loadFraction, Long instances, String strategy, String scenario) {

        /** {@code async lifo 120%}, {@code threads fifo c50}, {@code one-slow prequal 80%}. */
        String describe() {
            StringBuilder text = new StringBuilder();
            if (strategy != null && phase.startsWith("strategies")) {
                text.append(scenario).append(' ').append(strategy);
            } else {
                text.append(model).append(' ').append(discipline);
            }
            if (loadFraction != null) {
                text.append(' ').append(String.format(Locale.ROOT, "%.0f%%", loadFraction * 100));
            } else if (concurrency != null) {
                text.append(" c").append(concurrency);
            }
            return text.toString();
        }
    }

    /** From a map of {@code runs} columns (as {@link RunColumns#values} gives, or as read from a row). */
    static CellRun of(Map<String, Object> columns) {
        CellKey key = new CellKey((String) columns.get("cell"), (String) columns.get("phase"),
                (String) columns.get("model"), (String) columns.get("discipline"), asLong(columns.get("workers")),
                (String) columns.get("mode"), asLong(columns.get("concurrency")),
                asDouble(columns.get("load_fraction")), asLong(columns.get("instances")),
                (String) columns.get("strategy"), (String) columns.get("scenario"));
        boolean measured = asBoolean(columns.get("measured"));
        Map<Figure, Double> figures = new EnumMap<>(Figure.class);
        if (measured) {
            for (Figure figure : Figure.values()) {
                Double value = asDouble(columns.get(figure.column()));
                if (value != null) {
                    figures.put(figure, value);
                }
            }
        }
        return new CellRun(key, measured, asBoolean(columns.get("disturbed")), figures);
    }

    private static Long asLong(Object value) {
        return value == null ? null : ((Number) value).longValue();
    }

    private static Double asDouble(Object value) {
        return value == null ? null : ((Number) value).doubleValue();
    }

    private static boolean asBoolean(Object value) {
        return value instanceof Boolean b ? b : value instanceof Number n && n.longValue() != 0;
    }
}
