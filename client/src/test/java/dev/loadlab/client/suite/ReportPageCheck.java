package dev.loadlab.client.suite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what the report page says about its own charts once drawn: each chart element carries
 * {@code data-drawn}, true only when every series put pixels of its colour on the canvas (or, for
 * bar charts, some bar is non-empty); the body carries {@code data-charts-drawn} and, on a script
 * error, {@code data-errors}.
 */
final class ReportPageCheck {
    private static final Pattern CHART = Pattern.compile("<div[^>]*\\bid=\"([a-z-]+)\"[^>]*\\bdata-chart=\"[a-z]+\"[^>]*>");

    private ReportPageCheck() {
    }

    static void assertEveryChartDrawn(HeadlessChromium.Page page) {
        assertThat(page.dom()).contains("data-charts-drawn=").doesNotContain("data-errors=");
        assertThat(page.console()).doesNotContainIgnoringCase("Uncaught").doesNotContain(":ERROR:CONSOLE");
        assertThat(charts(page)).as("charts on the page").hasSizeGreaterThanOrEqualTo(4);
        assertThat(emptyCharts(page)).as("charts with nothing drawn").isEmpty();
    }

    static List<String> charts(HeadlessChromium.Page page) {
        List<String> ids = new ArrayList<>();
        Matcher m = CHART.matcher(page.dom());
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    static List<String> emptyCharts(HeadlessChromium.Page page) {
        List<String> empty = new ArrayList<>();
        Matcher m = CHART.matcher(page.dom());
        while (m.find()) {
            if (!m.group().contains("data-drawn=\"true\"")) {
                empty.add(m.group(1));
            }
        }
        return empty;
    }
}
