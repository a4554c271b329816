package dev.loadlab.client.report;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code client report DIR}: regenerates report.md, report.html and results.csv from a suite's folder. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Regenerates report.md, report.html and results.csv of a suite's results folder from its files.")
public final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "A results folder written by 'client suite' (results/<timestamp>).")
    Path directory;

    @Override
    public Integer call() throws Exception {
        SuiteResults results;
        try {
            results = SuiteResults.load(directory);
        } catch (java.io.IOException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        results.writeCsv();
        ReportWriter.write(results);
        spec.commandLine().getOut().println("wrote " + directory.resolve("report.md") + " and " + directory.resolve("report.html"));
        return 0;
    }
}
