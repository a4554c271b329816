package dev.loadlab.api.cli;

import dev.loadlab.api.http.ApiServer;
import dev.loadlab.api.http.ConcurrencyModel;
import dev.loadlab.api.lane.LaneSettings;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
     * Serves until SIGTERM or SIGINT, then drains. Returns 0 if everything taken was answered
     * within {@code --drain-timeout-ms}, 1 otherwise.
     */
    public static int serve(ServerOptions options, ConcurrencyModel model, int ioThreads, PrintStream out)
            throws InterruptedException {
        CountDownLatch stopRequested = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), signal -> stopRequested.countDown());
        Signal.handle(new Signal("INT"), signal -> stopRequested.countDown());
        ApiServer server = ApiServer.start(options, model, ioThreads);
        out.println(startLine(server, options, ioThreads));
        out.flush();
        stopRequested.await();
        long started = System.nanoTime();
        boolean drained = server.drain(options.drainTimeoutMillis(), TimeUnit.MILLISECONDS);
        server.close();
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        out.println(server.identity().instance() + (drained
                ? " drained in " + tookMillis + " ms and stopped"
                : " stopped after " + tookMillis + " ms with requests still unanswered (--drain-timeout-ms)"));
        out.flush();
        return drained ? 0 : 1;
    }

    /** The start line: what listens where, with which settings. Tests read the address from it. */
    static String startLine(ApiServer server, ServerOptions options, int ioThreads) {
        InetSocketAddress address = server.address();
        String host = address.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        LaneSettings lanes = options.laneSettings();
        return "loadlab " + server.identity().model() + " server " + server.identity().instance()
                + " listening on http://" + host + ":" + address.getPort()
                + " lanes: workers=" + lanes.workers() + " queue-capacity=" + lanes.queueCapacity()
                + " queue-timeout-ms=" + lanes.queueTimeoutMillis()
                + " codel-interval-ms=" + lanes.codelIntervalMillis() + " codel-target-ms=" + lanes.codelTargetMillis()
                + "; work: io-ms=" + options.ioMillis() + " cpu-ms=" + options.cpuMillis()
                + "; io-threads=" + ioThreads + " jdk=" + Runtime.version()
                + " cores=" + Runtime.getRuntime().availableProcessors();
    }

    /** Undertow and XNIO log their versions at INFO; an operator needs only warnings from them. */
    private static void quietenLibraryLogs() {
        for (Logger logger : LIBRARY_LOGGERS) {
            logger.setLevel(Level.WARNING);
        }
    }
}
