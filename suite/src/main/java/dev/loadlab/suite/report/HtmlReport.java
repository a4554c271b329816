package dev.loadlab.suite.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadlab.suite.results.SuiteResults;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.loadlab.suite.report.Format.escape;

/**
 * {@code report.html}: the Markdown report's content with charts, self-contained (uPlot and the
 * data inlined from the classpath: it reads offline). The page template is {@code report.html}
 * beside this class; the charts that go with a table follow its title.
 */
final class HtmlReport {
    private static final String TEMPLATE = "dev/loadlab/suite/report/report.html";
    private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";

    private HtmlReport() {
    }

    static String of(SuiteResults results, List<Table> tables, ReportAddendum addendum) throws IOException {
        ObjectNode charts = ChartData.of(results);
        StringBuilder body = new StringBuilder();
        body.append("<p>").append(escape(ReportText.preamble(results))).append("</p><h2>Environment</h2><ul>");
        ReportText.environment(results).forEach((name, value) -> body.append("<li><b>").append(escape(name))
                .append("</b>: ").append(escape(value)).append("</li>"));
        body.append("</ul>");
        List<String> findings = Findings.of(results);
        if (!findings.isEmpty()) {
            body.append("<h2>Findings</h2><ul>");
            findings.forEach(finding -> body.append("<li>").append(escape(finding)).append("</li>"));
            body.append("</ul>");
        }
        for (Table table : tables) {
            body.append("<h2>").append(escape(table.title())).append("</h2><p>").append(escape(table.explanation()))
                    .append("</p>");
            switch (table.id()) {
                case "models" -> body.append(chartBox("throughput", "Throughput against concurrency"))
                        .append(chartBox("spectrum-models", "Latency by percentile, highest concurrency (log scales)"));
                case "overload" -> body.append(chartBox("goodput", "Goodput against offered load"))
                        .append(chartBox("spectrum-overload", "Latency by percentile, highest load (log scales)"));
                case "split" -> body.append(barsBox("split-bars", "Median per cell: the wait in the lane (red), then service (blue)"));
                default -> {
                    addendum.sections().stream().filter(section -> section.id().equals(table.id()))
                            .flatMap(section -> section.charts().stream())
                            .forEach(chart -> body.append(chartBox(chart.id(), chart.caption())));
                    if (table.id().startsWith("strategies-")) {
                        String scenario = table.id().substring("strategies-".length());
                        body.append(barsBox("p99-" + scenario, "p99 latency by strategy (ms, median of the repeats)"))
                                .append(barsBox("goodput-" + scenario, "Goodput by strategy (% of the offered load)"))
                                .append(chartBox("spectrum-" + scenario,
                                        "Latency by percentile, highest load (log scales)"));
                        if (charts.has("share-" + scenario)) {
                            body.append(chartBox("share-" + scenario,
                                    "The faulty backend's share of the answers, second by second, highest load"));
                        }
                    }
                }
            }
            body.append(table.html());
        }
        body.append("<h2>How to read it</h2><ul>");
        for (String line : ReportText.howToRead().split("\n- ")) {
            body.append("<li>").append(escape(line.replaceFirst("^- ", "").replace("**", ""))).append("</li>");
        }
        body.append("</ul>");
        return resource(TEMPLATE)
                .replace("/*UPLOT_CSS*/", resource(UPLOT + "uPlot.min.css"))
                .replace("/*UPLOT_JS*/", resource(UPLOT + "uPlot.iife.min.js"))
                .replace("/*DATA*/", addendum.chartData(charts).toString().replace("</", "<\\/"))
                .replace("<!--BODY-->", body.toString());
    }

    private static String chartBox(String id, String title) {
        return "<figure><figcaption>" + escape(title) + "</figcaption><div class=\"chart\" id=\"" + id
                + "\" data-chart=\"uplot\"></div></figure>";
    }

    private static String barsBox(String id, String title) {
        return "<figure><figcaption>" + escape(title) + "</figcaption><div class=\"bars\" id=\"" + id
                + "\" data-chart=\"bars\"></div></figure>";
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
