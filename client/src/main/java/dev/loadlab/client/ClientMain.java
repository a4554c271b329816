package dev.loadlab.client;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.concurrent.Callable;

import dev.loadlab.client.cli.BatchCommand;
import dev.loadlab.client.cli.CommandsCommand;
import dev.loadlab.client.cli.MergeCommand;
import dev.loadlab.client.cli.MovedToSuiteCommand;
import dev.loadlab.client.cli.RunCommand;
import dev.loadlab.client.cli.SearchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The loadlab client: {@code run} (the default), {@code search} (a capacity search), {@code merge}
 * (several generators' results into one), {@code batch} (runs and searches read from standard
 * input, in one JVM) and {@code commands} (the seed's command matrix).
 * The full comparison and its report are the suite module's ({@code suite/target/suite.jar}).
 *
 * <p>Exit codes: 0 when the command completed (a run with failed requests included),
 * 2 for bad arguments (a one-line error and the usage on stderr), 1 for an unexpected
 * internal failure (one line on stderr, never a stack trace).
 */
@Command(name = "client", usageHelpAutoWidth = true,
        description = "A wrk2-grade HTTP load generator: closed and open loop, HdrHistogram latencies,"
                + " every request accounted for.",
        subcommands = {RunCommand.class, SearchCommand.class, MergeCommand.class, BatchCommand.class,
            CommandsCommand.class, MovedToSuiteCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Without a command, 'run' is assumed: client --url URL --requests 1000 --concurrency 50"})
public final class ClientMain implements Callable<Integer> {
    /** Exit code of a run that could not complete for a reason other than its arguments. */
    public static final int INTERNAL_ERROR = 1;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    /** Reached only without any argument: there is nothing to run. */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("client: missing command or --url");
        spec.commandLine().usage(spec.commandLine().getErr());
        return spec.exitCodeOnInvalidInput();
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, Charset.defaultCharset());
        PrintWriter err = new PrintWriter(System.err, true, Charset.defaultCharset());
        System.exit(execute(args, out, err));
    }

    /** Runs the client's command line and returns its exit code; never calls {@code System.exit}. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new ClientMain())
                .setOut(out)
                .setErr(err)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(ClientMain::badArguments)
                .setExecutionExceptionHandler((failure, failed, parseResult) -> {
                    failed.getErr().println("client: internal error: " + failure);
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
        err.println("client: " + problem.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(problem, err);
        err.print("Usage: " + failed.getHelp().synopsis(0));
        err.println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for every option.");
        err.flush();
        return failed.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** Puts {@code run} in front of arguments that do not start with a command or a help flag. */
    private static String[] withDefaultCommand(CommandLine commandLine, String[] args) {
        if (args.length == 0 || commandLine.getSubcommands().containsKey(args[0])
                || args[0].equals("-h") || args[0].equals("--help")) {
            return args;
        }
        String[] withRun = new String[args.length + 1];
        withRun[0] = "run";
        System.arraycopy(args, 0, withRun, 1, args.length);
        return withRun;
    }
}
