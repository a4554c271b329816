package dev.loadlab.suite.cli;

import dev.loadlab.client.cli.CommandsCommand;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar suite/target/suite.jar}: {@code run} (the default: the full comparison that
 * {@code ./run_tests.sh} runs), {@code report DIR} (a suite's report, regenerated), {@code history},
 * {@code compare A B} and {@code import DIR...} (the results history) and {@code commands} (the
 * seed's matrix of client command lines, the client's own command).
 *
 * <p>Exit codes: 0 when the command completed, 2 for bad arguments (one line and the synopsis on
 * stderr), 1 for an unexpected internal failure (one line on stderr, never a stack trace).
 */
@Command(name = "suite", usageHelpAutoWidth = true,
        description = "loadlab's full comparison of concurrency models, queue disciplines and balancing strategies.",
        subcommands = {RunSuiteCommand.class, ReportCommand.class, HistoryCommand.class, CompareCommand.class,
            ImportCommand.class, CommandsCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Without a command, 'run' is assumed: suite --full is suite run --full."})
public final class SuiteMain implements Callable<Integer> {
    /** Exit code of a command that could not complete for a reason other than its arguments. */
    public static final int INTERNAL_ERROR = 1;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    /** Not reached: without a command, {@code run} is assumed. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, Charset.defaultCharset());
        PrintWriter err = new PrintWriter(System.err, true, Charset.defaultCharset());
        System.exit(execute(args, out, err));
    }

    /** Runs the suite's command line and returns its exit code; never calls {@code System.exit}. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new SuiteMain())
                .setOut(out)
                .setErr(err)
                .setParameterExceptionHandler(SuiteMain::badArguments)
                .setExecutionExceptionHandler((failure, failed, parseResult) -> {
                    failed.getErr().println("suite: internal error: " + failure);
                    failed.getErr().flush();
                    return INTERNAL_ERROR;
                });
        int exitCode = commandLine.execute(withDefaultCommand(commandLine, args));
        out.flush();
        err.flush();
        return exitCode;
    }

    /** One line saying what is wrong, then the synopsis: the full help is one --help away. */
    private static int badArguments(CommandLine.ParameterException problem, String[] args) {
        CommandLine failed = problem.getCommandLine();
        PrintWriter err = failed.getErr();
        err.println("suite: " + problem.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(problem, err);
        err.print("Usage: " + failed.getHelp().synopsis(0));
        err.println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for every option.");
        err.flush();
        return failed.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** Puts {@code run} in front of arguments that do not start with a command or a help flag. */
    private static String[] withDefaultCommand(CommandLine commandLine, String[] args) {
        if (args.length > 0 && (commandLine.getSubcommands().containsKey(args[0])
                || args[0].equals("-h") || args[0].equals("--help"))) {
            return args;
        }
        String[] withRun = new String[args.length + 1];
        withRun[0] = "run";
        System.arraycopy(args, 0, withRun, 1, args.length);
        return withRun;
    }
}
