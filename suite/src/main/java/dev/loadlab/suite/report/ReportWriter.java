package dev.loadlab.suite.report;

import dev.loadlab.suite.results.SuiteResults;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a suite's {@code report.md} and {@code report.html} from its results folder. Every number
 * comes from the runs' result files, so the same folder always gives the same report; {@code suite
 * report DIR} regenerates it.
 */
public final class ReportWriter {
    public static final String MARKDOWN_FILE = "report.md";
    public static final String HTML_FILE = "report.html";

    private ReportWriter() {
    }

    /** Writes {@code results.csv}, {@code report.md} and {@code report.html}. */
    public static void writeAll(SuiteResults results) throws IOException {
        writeAll(results, ReportAddendum.NONE);
    }

    /** As {@link #writeAll(SuiteResults)}, with {@code addendum}'s sections and charts after the report's own. */
    public static void writeAll(SuiteResults results, ReportAddendum addendum) throws IOException {
        results.writeCsv();
        write(results, addendum);
    }

    /** Writes {@code report.md} and {@code report.html}. */
    public static void write(SuiteResults results) throws IOException {
        write(results, ReportAddendum.NONE);
    }

    private static void write(SuiteResults results, ReportAddendum addendum) throws IOException {
        List<Table> tables = new ArrayList<>(ReportTables.of(results));
        addendum.sections().forEach(section -> tables.add(section.table()));
        Files.writeString(results.directory().resolve(MARKDOWN_FILE), MarkdownReport.of(results, tables),
                StandardCharsets.UTF_8);
        Files.writeString(results.directory().resolve(HTML_FILE), HtmlReport.of(results, tables, addendum),
                StandardCharsets.UTF_8);
    }

    /** The findings and the tables as plain text, printed in the terminal at the end of a suite. */
    public static String summary(SuiteResults results) {
        StringBuilder out = new StringBuilder();
        Findings.of(results).forEach(finding -> out.append("- ").append(finding).append('\n'));
        out.append('\n');
        for (Table table : ReportTables.of(results)) {
            if (table.id().equals("machine")) {
                continue; // one row per run: in the report, not on the terminal
            }
            out.append(table.title()).append('\n').append(table.plain()).append('\n');
        }
        return out.toString();
    }
}
