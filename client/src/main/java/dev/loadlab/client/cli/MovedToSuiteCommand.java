package dev.loadlab.client.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code client suite} and {@code client report}, which now live in the suite module: says where
 * they went, in one line, and exits 2 without running anything. The load generator cannot run
 * them itself, since the suite depends on it and not the other way round.
 */
@Command(name = "suite", aliases = "report", hidden = true,
        description = "Moved: the suite and its report are suite/target/suite.jar (./run_tests.sh runs it).")
public final class MovedToSuiteCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    /** Whatever followed: it is not run, so it is not checked either. */
    @Unmatched
    private List<String> ignored;

    @Override
    public Integer call() {
        String name = spec.commandLine().getParseResult().originalArgs().getFirst();
        spec.commandLine().getErr().println("client: '" + name + "' moved to the suite module: run ./run_tests.sh,"
                + " or java -jar suite/target/suite.jar " + name + " --help");
        return spec.exitCodeOnInvalidInput();
    }
}
