package dev.loadlab.suite.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What a report shows besides its own folder's figures (the results history's comparison with
 * earlier suites): sections, each a titled table, after the report's own tables, and the charts
 * of {@code report.html} that go with them.
 */
public interface ReportAddendum {
    /** Nothing to add. */
    ReportAddendum NONE = new ReportAddendum() {
        @Override
        public List<Section> sections() {
            return List.of();
        }

        @Override
        public ObjectNode chartData(ObjectNode data) {
            return data;
        }
    };

    /** A chart of a section: its element id (a key of the chart data) and its caption. */
    record Chart(String id, String caption) {
    }

    /** A titled table, as the report's own; {@code charts} are drawn above it in the HTML. */
    record Section(String id, String title, String explanation, List<String> header, List<List<String>> rows,
                   List<Chart> charts) {
        Table table() {
            return new Table(id, title, explanation, header, rows);
        }
    }

    List<Section> sections();

    /** Adds this addendum's charts to {@code data} (the report's own, as {@code ChartData} builds it) and returns it. */
    ObjectNode chartData(ObjectNode data);
}
