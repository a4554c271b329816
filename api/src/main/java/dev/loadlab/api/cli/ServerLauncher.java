package dev.loadlab.api.cli;

import dev.loadlab.api.http.ApiServer;
import dev.loadlab.api.http.ConcurrencyModel;
import dev.loadlab.api.http.RunningServer;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import sun.misc.Signal;

/**
 * Runs a server process: parses its command line (bad options exit 2 with the usage), starts the
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

    /** Executes a picocli command and returns its exit code; for each server's {@code main}. */
    public static int execute(Object command, String... args) {
        quietenLibraryLogs();
        return new CommandLine(command).execute(args);
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
