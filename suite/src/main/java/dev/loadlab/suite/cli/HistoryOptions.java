package dev.loadlab.suite.cli;

import dev.loadlab.suite.history.HistoryStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code --history FILE} of the commands that read the history; default {@code <home>/results/history.db}. */
final class HistoryOptions {
    @Option(names = "--history", paramLabel = "FILE",
            description = "The results history (default: results/history.db of the checkout this suite was built in).")
    Path file;

    /** The file given, or the default one. */
    Path file() {
        return file != null ? file : defaultFile();
    }

    static Path defaultFile() {
        return RunSuiteCommand.defaultHome().resolve("results").resolve(HistoryStore.DEFAULT_FILE);
    }

    /** Opens an existing history; a missing file or one that is not a history is a usage error. */
    HistoryStore openExisting(CommandSpec spec) {
        Path history = file();
        if (!Files.isRegularFile(history)) {
            throw new ParameterException(spec.commandLine(), "--history: " + history + " does not exist");
        }
        return open(spec, history);
    }

    static HistoryStore open(CommandSpec spec, Path history) {
        try {
            return HistoryStore.open(history);
        } catch (SQLException e) {
            throw new ParameterException(spec.commandLine(), "--history: cannot open " + history + ": " + e.getMessage());
        }
    }
}
