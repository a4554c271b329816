package dev.loadlab.suite.cli;

import dev.loadlab.suite.history.HistoryReport;
import dev.loadlab.suite.history.HistoryStore;
import dev.loadlab.suite.report.ReportWriter;
import dev.loadlab.suite.results.SuiteResults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code suite report DIR}: regenerates report.md, report.html and results.csv from a suite's folder. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Regenerates report.md, report.html and results.csv of a suite's results folder from its files.")
public final class ReportCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "A results folder written by the suite (results/<timestamp>).")
    private Path directory;

    @Option(names = "--history", paramLabel = "FILE", description = "The results history to compare it with"
            + " (default: history.db beside DIR, if there is one).")
    private Path history;

    @Option(names = "--no-history", description = "No comparison with the history.")
    private boolean noHistory;

    @Override
    public Integer call() throws IOException, SQLException {
        if (noHistory && history != null) {
            throw new ParameterException(spec.commandLine(), "--no-history excludes --history");
        }
        SuiteResults results;
        try {
            results = SuiteResults.load(directory);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Path file = history != null ? history : directory.toAbsolutePath().normalize().resolveSibling(HistoryStore.DEFAULT_FILE);
        if (noHistory || (history == null && !Files.isRegularFile(file))) {
            ReportWriter.writeAll(results);
        } else {
            try (HistoryStore store = HistoryOptions.open(spec, file)) {
                ReportWriter.writeAll(results, HistoryReport.orNothing(store, results, System.out));
            }
        }
        spec.commandLine().getOut().println("wrote " + directory.resolve(ReportWriter.MARKDOWN_FILE) + " and "
                + directory.resolve(ReportWriter.HTML_FILE));
        return 0;
    }
}
