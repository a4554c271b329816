package dev.loadlab.suite.cli;

import dev.loadlab.suite.history.HistoryStore;
import dev.loadlab.suite.results.SuiteResults;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code suite import DIR...}: results folders written without the history, added to it. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Adds results folders (results/<timestamp>, with suite.json) to the history, each as one complete"
                + " suite; a suite already there is not added twice.")
public final class ImportCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private HistoryOptions history;

    @Parameters(paramLabel = "DIR", arity = "1..*", description = "Results folders written by the suite.")
    private List<Path> folders;

    @Override
    public Integer call() throws SQLException, IOException {
        for (Path folder : folders) {
            if (!Files.isRegularFile(folder.resolve(SuiteResults.SUITE_FILE))) {
                throw new ParameterException(spec.commandLine(), folder + " has no " + SuiteResults.SUITE_FILE
                        + ": not a suite's results folder");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        try (HistoryStore store = HistoryOptions.open(spec, history.file())) {
            for (Path folder : folders) {
                HistoryStore.Imported imported;
                try {
                    imported = store.importFolder(folder);
                } catch (IOException e) {
                    throw new ParameterException(spec.commandLine(), folder + ": " + e.getMessage());
                }
                out.println(imported.added() ? "imported " + folder + " as suite #" + imported.suiteId()
                        : folder + " is already in the history as suite #" + imported.suiteId());
            }
            out.println("history: " + store.file());
        }
        return 0;
    }
}
