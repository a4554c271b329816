package dev.loadlab.suite.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Looks at a report page as a reader's browser shows it, without changing the page a reader gets:
 * the check runs in a copy of the report, into which it puts two scripts of its own. The first,
 * at the top of the head, records every script error; the last, once the page has loaded, asks
 * each chart's own state (the uPlot instance the page keeps in {@code window.loadlabCharts}: its
 * status, its series and their data; for bar charts, their non-empty rows) and writes the answer
 * into the DOM, which headless Chromium dumps.
 */
public final class ReportPageCheck {
    private static final Pattern CHART = Pattern.compile("<div[^>]*\\bid=\"([a-z0-9-]+)\"[^>]*\\bdata-chart=\"[a-z]+\"");
    private static final Pattern ANSWER = Pattern.compile("<pre id=\"loadlab-check\">(.*?)</pre>", Pattern.DOTALL);
    private static final String RECORD_ERRORS = "<script>window.loadlabErrors = [];"
            + "window.addEventListener('error', function (e) { window.loadlabErrors.push(String(e.message)); });</script>";
    private static final String ASK_CHARTS = """
            <script>
            window.addEventListener('load', function () { setTimeout(function () {
              var charts = window.loadlabCharts || {}, answer = { errors: window.loadlabErrors, charts: {} };
              document.querySelectorAll('[data-chart]').forEach(function (el) {
                var c = charts[el.id], r;
                if (!c) { r = { drawn: false, why: 'never created' }; }
                else if (c.series) {
                  var series = c.series.length - 1, withData = 0;
                  for (var i = 1; i < c.data.length; i++) {
                    if (c.data[i].some(function (v) { return v !== null && v !== undefined; })) withData++;
                  }
                  r = { drawn: c.status === 1 && series > 0 && withData === series, status: c.status,
                        series: series, withData: withData };
                } else { r = { drawn: c.nonEmpty > 0, rows: c.rows, nonEmpty: c.nonEmpty }; }
                answer.charts[el.id] = r;
              });
              var pre = document.createElement('pre');
              pre.id = 'loadlab-check';
              pre.textContent = JSON.stringify(answer);
              document.body.appendChild(pre);
            }, 0); });
            </script>
            """;

    /** What the page said about itself. */
    public record Answer(List<String> errors, JsonNode charts, String console) {
        /** The ids of the charts that drew nothing, or were never created. */
        public List<String> emptyCharts() {
            List<String> empty = new ArrayList<>();
            charts.fields().forEachRemaining(e -> {
                if (!e.getValue().path("drawn").asBoolean(false)) {
                    empty.add(e.getKey());
                }
            });
            return empty;
        }
    }

    private ReportPageCheck() {
    }

    /** Opens a checking copy of {@code html} (in {@code scratch}) in headless Chromium. */
    public static Answer open(Path html, Path scratch) throws IOException, InterruptedException {
        String page = Files.readString(html, StandardCharsets.UTF_8);
        assertThat(page).contains("<head>").contains("</body>");
        Path copy = Files.createTempFile(scratch, "checked-", ".html");
        Files.writeString(copy, page.replaceFirst("<head>", "<head>" + RECORD_ERRORS)
                .replace("</body>", ASK_CHARTS + "</body>"), StandardCharsets.UTF_8);
        HeadlessChromium.Page shown = HeadlessChromium.open(copy, scratch);
        Matcher m = ANSWER.matcher(shown.dom());
        assertThat(m.find()).as("the page answered the check (console: %s)", shown.console()).isTrue();
        JsonNode answer = new ObjectMapper().readTree(m.group(1).replace("&quot;", "\"").replace("&amp;", "&")
                .replace("&lt;", "<").replace("&gt;", ">"));
        List<String> errors = new ArrayList<>();
        answer.path("errors").forEach(e -> errors.add(e.asText()));
        List<String> declared = new ArrayList<>();
        Matcher chart = CHART.matcher(page);
        while (chart.find()) {
            declared.add(chart.group(1));
        }
        List<String> asked = new ArrayList<>();
        answer.path("charts").fieldNames().forEachRemaining(asked::add);
        assertThat(asked).as("every chart on the page was asked").containsExactlyInAnyOrderElementsOf(declared);
        return new Answer(errors, answer.path("charts"), shown.console());
    }

    /** No script error, at least {@code minimum} charts, and every one of them drawn from data. */
    public static void assertEveryChartDrawn(Answer answer, int minimum) {
        assertThat(answer.errors()).as("script errors").isEmpty();
        assertThat(answer.console()).doesNotContainIgnoringCase("Uncaught").doesNotContain(":ERROR:CONSOLE");
        assertThat(answer.charts().size()).as("charts on the page").isGreaterThanOrEqualTo(minimum);
        assertThat(answer.emptyCharts()).as("charts with nothing drawn: %s", answer.charts()).isEmpty();
    }
}
