package dev.loadlab.suite.report;

import dev.loadlab.suite.results.SuiteResults;
import java.util.List;

/** {@code report.md}: the preamble, the environment, every table, how to read it, and the files. */
final class MarkdownReport {
    private MarkdownReport() {
    }

    static String of(SuiteResults results, List<Table> tables) {
        StringBuilder out = new StringBuilder("# loadlab report\n\n");
        out.append(ReportText.preamble(results)).append("\n\n## Environment\n\n");
        ReportText.environment(results).forEach((name, value) ->
                out.append("- **").append(name).append("**: ").append(value).append('\n'));
        List<String> findings = Findings.of(results);
        if (!findings.isEmpty()) {
            out.append("\n## Findings\n\n");
            findings.forEach(finding -> out.append("- ").append(finding).append('\n'));
        }
        for (Table table : tables) {
            out.append("\n## ").append(table.title()).append("\n\n").append(table.explanation()).append("\n\n");
            out.append(table.markdown());
        }
        out.append("\n## How to read it\n\n").append(ReportText.howToRead()).append('\n');
        out.append("\n## Files\n\nEach run's `result.json`, `.hgrm` percentile distributions and `histograms.hlog`"
                + " interval log are in `runs/<id>/`; `results.csv` has one row per run; `suite.json` the settings"
                + " and environment; `logs/` every process's output (`logs/processes.tsv` lists every process"
                + " the suite started). `java -jar suite/target/suite.jar report <this folder>` regenerates"
                + " this report.\n");
        return out.toString();
    }
}
