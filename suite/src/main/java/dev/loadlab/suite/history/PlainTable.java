package dev.loadlab.suite.history;

import java.util.List;
import java.util.Locale;

/** Columns aligned for a terminal: the first left, the others right, two spaces apart. */
public final class PlainTable {
    private PlainTable() {
    }

    public static String of(List<String> header, List<List<String>> rows) {
        int[] widths = new int[header.size()];
        for (int i = 0; i < header.size(); i++) {
            widths[i] = header.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, header, widths);
        rows.forEach(row -> line(out, row, widths));
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells, int[] widths) {
        for (int i = 0; i < cells.size(); i++) {
            String format = i == 0 ? "%-" + widths[i] + "s" : i == cells.size() - 1 ? "  %-" + widths[i] + "s"
                    : "  %" + widths[i] + "s";
            out.append(String.format(Locale.ROOT, format, cells.get(i)));
        }
        out.append('\n');
    }
}
