package dev.loadlab.suite.report;

import java.util.List;
import java.util.Locale;

/**
 * A titled table with an explanation, printable as Markdown, HTML or plain text. {@code id} names
 * it in the HTML ({@code table-<id>}) and tells the HTML report which charts go with it.
 */
record Table(String id, String title, String explanation, List<String> header, List<List<String>> rows) {

    String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("| ").append(String.join(" | ", header)).append(" |\n|");
        header.forEach(h -> out.append("---|"));
        out.append('\n');
        for (List<String> row : rows) {
            out.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return out.toString();
    }

    String plain() {
        int[] widths = new int[header.size()];
        for (int i = 0; i < header.size(); i++) {
            widths[i] = header.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        appendPlain(out, header, widths);
        for (List<String> row : rows) {
            appendPlain(out, row, widths);
        }
        return out.toString();
    }

    private static void appendPlain(StringBuilder out, List<String> cells, int[] widths) {
        for (int i = 0; i < cells.size(); i++) {
            out.append(String.format(Locale.ROOT, i == 0 ? "  %-" + widths[i] + "s" : "  %" + widths[i] + "s",
                    cells.get(i)));
        }
        out.append('\n');
    }

    String html() {
        StringBuilder out = new StringBuilder("<table id=\"table-").append(id).append("\"><thead><tr>");
        header.forEach(h -> out.append("<th>").append(Format.escape(h)).append("</th>"));
        out.append("</tr></thead><tbody>");
        for (List<String> row : rows) {
            out.append("<tr>");
            row.forEach(cell -> out.append("<td>").append(Format.escape(cell)).append("</td>"));
            out.append("</tr>");
        }
        return out.append("</tbody></table>").toString();
    }
}
