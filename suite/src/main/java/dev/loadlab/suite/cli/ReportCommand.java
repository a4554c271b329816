package dev.loadlab.suite.cli;

import dev.loadlab.suite.report.ReportWriter;
import dev.loadlab.suite.results.SuiteResults;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
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

    @Override
    public Integer call() throws IOException {
        SuiteResults results;
        try {
            results = SuiteResults.load(directory);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        ReportWriter.writeAll(results);
        spec.commandLine().getOut().println("wrote " + directory.resolve(ReportWriter.MARKDOWN_FILE) + " and "
                + directory.resolve(ReportWriter.HTML_FILE));
        return 0;
    }
}
