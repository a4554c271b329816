package dev.loadlab.api.cli;

import dev.loadlab.api.http.ApiServer;
import dev.loadlab.api.http.ConcurrencyModel;
import dev.loadlab.api.http.RunningServer;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.UnknownHostException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import sun.misc.Signal;

/**
 * Runs a server process: parses its command line (a bad option exits 2 with one line), starts the
 * {@link ApiServer}, prints one start line, and on SIGTERM or SIGINT drains, prints one stop line
 * and exits 0.
 *
 * <p>Threading: the main thread starts the server and waits; the JVM's signal thread only releases
 * that wait, so the drain runs on the main thread.
 */
public final class ServerLauncher {
    /** Held so that the levels set on them are not lost when the loggers are collected. */
    private static final Logger[] LIBRARY_LOGGERS = {
        Logger.getLogger("io.undertow"), Logger.getLogger("org.xnio"), Logger.getLogger("org.jboss")
    };

    private ServerLauncher() {
    }

    /**
     * Executes a picocli command and returns its exit code; for each server's and the balancer's
     * {@code main}. Every error is one line on stderr, never a stack trace: a bad option, or an
     * address it cannot listen on ({@code --port 8081 is in use}), exits 2; any other failure 1.
     */
    public static int execute(Object command, String... args) {
        quietenLibraryLogs();
        return new CommandLine(command)
                .setParameterExceptionHandler(ServerLauncher::badArguments)
                .setExecutionExceptionHandler(ServerLauncher::failedToRun)
                .execute(args);
    }

    /** One line saying what is wrong, and where the options are described. */
    private static int badArguments(ParameterException problem, String[] args) {
        CommandLine failed = problem.getCommandLine();
        failed.getErr().println(failed.getCommandName() + ": " + problem.getMessage()
                + " (see " + failed.getCommandName() + " --help)");
        failed.getErr().flush();
        return failed.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * A failure while running: listening on an address that is taken, unknown or not this machine's
     * is a bad argument (exit 2); anything else a fault (exit 1). One line either way.
     */
    private static int failedToRun(Exception failure, CommandLine failed, ParseResult parsed) {
        PrintWriter err = failed.getErr();
        CommandSpec spec = failed.getCommandSpec();
        BindException bind = causeOfType(failure, BindException.class);
        UnknownHostException unknownHost = causeOfType(failure, UnknownHostException.class);
        int exitCode;
        if (bind != null) {
            err.println(failed.getCommandName() + ": " + cannotListen(spec, bind));
            exitCode = spec.exitCodeOnInvalidInput();
        } else if (unknownHost != null) {
            err.println(failed.getCommandName() + ": --host " + spec.findOption("--host").getValue()
                    + " is not a known address: " + unknownHost.getMessage());
            exitCode = spec.exitCodeOnInvalidInput();
        } else {
            Throwable root = failure;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            err.println(failed.getCommandName() + ": failed: " + failure
                    + (root == failure ? "" : ", caused by " + root));
            exitCode = spec.exitCodeOnExecutionException();
        }
        err.flush();
        return exitCode;
    }

    /** "--port 8081 is in use on 127.0.0.1; ...", from the command's own --host and --port. */
    private static String cannotListen(CommandSpec spec, BindException bind) {
        Object host = spec.findOption("--host").getValue();
        Object port = spec.findOption("--port").getValue();
        String reason = String.valueOf(bind.getMessage());
        if (reason.contains("in use")) {
            return "--port " + port + " is in use on " + host + "; choose another, or 0 for any free port";
        }
        return "cannot listen on --host " + host + " --port " + port + ": " + reason;
    }

    private static <T extends Throwable> T causeOfType(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }

    /**
     * Starts a loadlab server and serves until SIGTERM or SIGINT, then drains; see
     * {@link #runUntilSignal}.
     */
    public static int serve(ServerOptions options, ConcurrencyModel model, int ioThreads, PrintStream out)
            throws InterruptedException {
        return runUntilSignal(() -> ApiServer.start(options, model, ioThreads), options.drainTimeoutMillis(), out);
    }

    /**
     * Starts a server, prints its start line, waits for SIGTERM or SIGINT, drains, prints the stop
     * line. Returns 0 if everything taken was answered within {@code drainTimeoutMillis}, 1 otherwise.
     */
    public static int runUntilSignal(Supplier<RunningServer> starter, long drainTimeoutMillis, PrintStream out)
            throws InterruptedException {
        CountDownLatch stopRequested = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), signal -> stopRequested.countDown());
        Signal.handle(new Signal("INT"), signal -> stopRequested.countDown());
        RunningServer server = starter.get();
        out.println(server.startLine());
        out.flush();
        stopRequested.await();
        long started = System.nanoTime();
        boolean drained = server.drain(drainTimeoutMillis, TimeUnit.MILLISECONDS);
        server.close();
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        out.println(server.name() + (drained
                ? " drained in " + tookMillis + " ms and stopped"
                : " stopped after " + tookMillis + " ms with requests still unanswered (--drain-timeout-ms)"));
        out.flush();
        return drained ? 0 : 1;
    }

    /** Undertow and XNIO log their versions at INFO; an operator needs only warnings from them. */
    private static void quietenLibraryLogs() {
        for (Logger logger : LIBRARY_LOGGERS) {
            logger.setLevel(Level.WARNING);
        }
    }
}
