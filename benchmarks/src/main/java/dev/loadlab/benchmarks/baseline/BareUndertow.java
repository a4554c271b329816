package dev.loadlab.benchmarks.baseline;

import dev.loadlab.api.http.ListenerSetup;
import io.undertow.Undertow;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sun.misc.Signal;

/**
 * The floor the loadlab servers are measured against: Undertow answering {@code hello} with no
 * lanes, no JSON, no parameter validation, no stats. Whatever a server costs beyond its bare mode
 * is what its own machinery costs.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.loadlab.benchmarks.baseline.BareUndertow --mode pool --port 9001
 * wrk -t1 -c50 -d10s --latency 'http://127.0.0.1:9001/bare?io_ms=0'
 * </pre>
 *
 * <p>Every path answers {@code 200 hello}. {@code ?io_ms=N} waits N ms first, the way the servers
 * do: a blocking {@code Thread.sleep} on a pool or virtual thread, a timer on the I/O thread in
 * {@code io-thread} mode. The listener is the servers' own ({@code ListenerSetup}): same
 * backlog, {@code TCP_NODELAY}, no Date header, one worker thread, and (except in
 * {@code virtual-default-pool}) the same shared buffer pool; one I/O thread per core.
 *
 * <p>Threading: the main thread starts Undertow, waits for SIGTERM/SIGINT (the JVM's signal
 * thread only releases that wait) and stops it; Undertow's I/O threads run the root handler,
 * which answers or hands the exchange to the mode's executor.
 */
@Command(name = "bare-undertow", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "A bare Undertow handler answering 'hello' on every path: the baseline for the servers.",
            "Modes:",
            "  pool                  a pool of platform threads (--pool-threads, 64)",
            "  virtual               a virtual thread per request, shared buffer pool",
            "  virtual-default-pool  the same with Undertow's default buffer pool (the trap)",
            "  io-thread             answered on the I/O thread",
            "?io_ms=N waits N ms first: a sleep on pool and virtual threads, a timer on the I/O thread.",
            "SIGTERM or SIGINT stops it (exit 0)."
        })
public final class BareUndertow implements Callable<Integer> {
    private static final int MAX_IO_MILLIS = 60_000;
    /** Held so that the levels set on them are not lost when the loggers are collected. */
    private static final Logger[] LIBRARY_LOGGERS = {
        Logger.getLogger("io.undertow"), Logger.getLogger("org.xnio"), Logger.getLogger("org.jboss")
    };
    private static final ByteBuffer HELLO = ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();

    /** How the exchange is served. */
    enum Mode {
        POOL("pool"), VIRTUAL("virtual"), VIRTUAL_DEFAULT_POOL("virtual-default-pool"), IO_THREAD("io-thread");

        private final String cliName;

        Mode(String cliName) {
            this.cliName = cliName;
        }

        static Mode fromCliName(String name) {
            for (Mode mode : values()) {
                if (mode.cliName.equals(name)) {
                    return mode;
                }
            }
            throw new IllegalArgumentException(
                    "--mode must be one of pool, virtual, virtual-default-pool, io-thread, got '" + name + "'");
        }
    }

    @Spec
    private CommandSpec spec;

    @Option(names = "--mode", paramLabel = "MODE", required = true,
            description = "pool, virtual, virtual-default-pool or io-thread.")
    private String modeName;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    private String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "PORT", description = "Port, 0 for any free port (default: ${DEFAULT-VALUE}).")
    private int port = 9001;

    @Option(names = "--pool-threads", paramLabel = "N",
            description = "Platform threads in pool mode, 1..10000 (default: ${DEFAULT-VALUE}).")
    private int poolThreads = 64;

    @Override
    public Integer call() throws InterruptedException {
        Mode mode;
        try {
            mode = Mode.fromCliName(modeName);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (port < 0 || port > 65_535) {
            throw new ParameterException(spec.commandLine(), "--port must be from 0 to 65535, got " + port);
        }
        if (poolThreads < 1 || poolThreads > 10_000) {
            throw new ParameterException(spec.commandLine(), "--pool-threads must be from 1 to 10000, got " + poolThreads);
        }
        ExecutorService executor = executorFor(mode);
        // The servers' pool, shared and without a per-thread cache (a thread that lives for one
        // request finds a pooled buffer instead of allocating and zeroing its own); or the trap:
        // what Undertow builds when given none, 16 KiB less 20 direct, unbounded, 4 cached per thread.
        DefaultByteBufferPool buffers = mode == Mode.VIRTUAL_DEFAULT_POOL
                ? new DefaultByteBufferPool(true, 16 * 1024 - 20, -1, 4)
                : ListenerSetup.sharedBufferPool();
        Undertow undertow = ListenerSetup.builder(host, port, Runtime.getRuntime().availableProcessors(), buffers)
                .setHandler(executor == null ? new AnswerOnIoThread() : new DispatchTo(executor))
                .build();
        CountDownLatch stopRequested = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), signal -> stopRequested.countDown());
        Signal.handle(new Signal("INT"), signal -> stopRequested.countDown());
        undertow.start();
        var address = (InetSocketAddress) undertow.getListenerInfo().getFirst().getAddress();
        System.out.println("bare-undertow mode=" + mode.cliName + " listening on http://"
                + address.getAddress().getHostAddress() + ":" + address.getPort()
                + (mode == Mode.POOL ? " pool-threads=" + poolThreads : "")
                + " jdk=" + Runtime.version() + " cores=" + Runtime.getRuntime().availableProcessors());
        System.out.flush();
        stopRequested.await();
        undertow.stop();
        if (executor != null) {
            executor.shutdownNow();
            executor.awaitTermination(5, TimeUnit.SECONDS);
        }
        return 0;
    }

    private ExecutorService executorFor(Mode mode) {
        return switch (mode) {
            case POOL -> Executors.newFixedThreadPool(poolThreads, namedPlatformThreads());
            case VIRTUAL, VIRTUAL_DEFAULT_POOL -> Executors.newVirtualThreadPerTaskExecutor();
            case IO_THREAD -> null;
        };
    }

    private static ThreadFactory namedPlatformThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "bare-worker-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** {@code io_ms} from the query, 0 when absent; an unusable value is treated as 0. */
    private static long ioMillis(HttpServerExchange exchange) {
        if (exchange.getQueryString().isEmpty()) {
            return 0;
        }
        Deque<String> values = exchange.getQueryParameters().get("io_ms");
        if (values == null || values.isEmpty()) {
            return 0;
        }
        try {
            long millis = Long.parseLong(values.getFirst());
            return millis < 0 || millis > MAX_IO_MILLIS ? 0 : millis;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void answer(HttpServerExchange exchange) {
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
        exchange.getResponseSender().send(HELLO.duplicate());
    }

    /** Hands each exchange to an executor, where it may block; the exchange is handed over here only. */
    private static final class DispatchTo implements HttpHandler {
        private final ExecutorService executor;

        DispatchTo(ExecutorService executor) {
            this.executor = executor;
        }

        @Override
        public void handleRequest(HttpServerExchange exchange) {
            long millis = ioMillis(exchange);
            exchange.dispatch(executor, () -> {
                if (millis > 0) {
                    try {
                        Thread.sleep(millis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt(); // only on shutdown: answer anyway
                    }
                }
                answer(exchange);
            });
        }
    }

    /** Answers on the I/O thread; a wait is a timer on that thread, which never blocks. */
    private static final class AnswerOnIoThread implements HttpHandler {
        @Override
        public void handleRequest(HttpServerExchange exchange) {
            long millis = ioMillis(exchange);
            if (millis == 0) {
                answer(exchange);
                return;
            }
            exchange.dispatch(SameThreadExecutor.INSTANCE, () ->
                    exchange.getIoThread().executeAfter(() -> answer(exchange), millis, TimeUnit.MILLISECONDS));
        }
    }

    public static void main(String[] args) {
        // Undertow and XNIO log their versions at INFO; only warnings matter here.
        for (Logger logger : LIBRARY_LOGGERS) {
            logger.setLevel(Level.WARNING);
        }
        System.exit(new CommandLine(new BareUndertow()).execute(args));
    }
}
