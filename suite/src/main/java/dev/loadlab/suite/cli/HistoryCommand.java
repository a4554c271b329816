package dev.loadlab.suite.cli;

import dev.loadlab.suite.history.HistoryStore;
import dev.loadlab.suite.history.PlainTable;
import dev.loadlab.suite.history.StoredSuite;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code suite history}: every suite of the results history, oldest first. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Lists the suites of the results history: id, start, commit, profile, what ran, and whether it completed.")
public final class HistoryCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private HistoryOptions history;

    @Override
    public Integer call() throws SQLException {
        try (HistoryStore store = history.openExisting(spec)) {
            List<StoredSuite> suites = store.suites();
            if (suites.isEmpty()) {
                spec.commandLine().getOut().println("no suites in " + store.file() + " yet");
                return 0;
            }
            List<List<String>> rows = suites.stream().map(s -> List.of("#" + s.id(), s.startedAt(), s.commit(),
                    s.profile() == null ? "imported" : s.profile(), s.whatRan(), s.state())).toList();
            spec.commandLine().getOut().print(PlainTable.of(
                    List.of("id", "started", "commit", "profile", "what ran", "complete?"), rows));
            return 0;
        }
    }
}
