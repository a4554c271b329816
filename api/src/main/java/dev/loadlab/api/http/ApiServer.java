package dev.loadlab.api.http;

import dev.loadlab.api.cli.ServerOptions;
import dev.loadlab.api.lane.Lanes;
import dev.loadlab.api.work.WorkParameters;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.DefaultByteBufferPool;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.xnio.Options;

/**
 * The HTTP server every loadlab model runs: Undertow, the contract's routes, the lanes, drain.
 * What differs between servers is only the {@link ConcurrencyModel} handed in.
 *
 * <p>Threading: Undertow's I/O threads run the handlers; {@link #drain} and {@link #close} are
 * called by the thread that started the server (or a test).
 */
public final class ApiServer implements AutoCloseable {
    /** Listen backlog: a burst of 10,000 connections must queue, not be refused. */
    private static final int BACKLOG = 16_384;
    /**
     * One shared pool of direct buffers with no per-thread cache. Undertow's default caches buffers
     * per thread; with a virtual thread per request every request would allocate and zero a fresh
     * 16 KiB buffer. All models use the same pool, so the pool is not what the comparison measures.
     */
    private static final int BUFFER_BYTES = 16 * 1024 - 20;
    private static final int POOLED_BUFFERS = 4096;

    private final Undertow undertow;
    private final ConcurrencyModel model;
    private final Lanes lanes;
    private final ServerState state;
    private final InetSocketAddress address;

    private ApiServer(Undertow undertow, ConcurrencyModel model, Lanes lanes, ServerState state) {
        this.undertow = undertow;
        this.model = model;
        this.lanes = lanes;
        this.state = state;
        this.address = (InetSocketAddress) undertow.getListenerInfo().getFirst().getAddress();
    }

    /**
     * Starts listening. The instance name, unless given, is {@code <model>-<port>}.
     *
     * @param ioThreads Undertow I/O threads (event loops)
     */
    public static ApiServer start(ServerOptions options, ConcurrencyModel model, int ioThreads) {
        Lanes lanes = new Lanes(options.laneSettings());
        ServerState state = new ServerState(model.name(), lanes);
        if (options.instance() != null) {
            state.identity(new ServerIdentity(model.name(), options.instance()));
        }
        var parameters = new WorkParameters(options.ioMillis(), options.cpuMillis());
        Undertow undertow = Undertow.builder()
                .addHttpListener(options.port(), options.host())
                .setIoThreads(ioThreads)
                .setWorkerThreads(1) // every model runs work on threads of its own
                .setByteBufferPool(new DefaultByteBufferPool(true, BUFFER_BYTES, POOLED_BUFFERS, 0))
                .setSocketOption(Options.BACKLOG, BACKLOG)
                .setSocketOption(Options.TCP_NODELAY, true)
                .setServerOption(UndertowOptions.ALWAYS_SET_DATE, false)
                // WorkParameters decodes the query itself, once.
                .setServerOption(UndertowOptions.DECODE_URL, false)
                .setHandler(new ApiRoutes(state, new WorkHandler(state, parameters, model)))
                .build();
        try {
            undertow.start();
        } catch (RuntimeException e) {
            lanes.close();
            model.close();
            throw e;
        }
        ApiServer server = new ApiServer(undertow, model, lanes, state);
        if (options.instance() == null) {
            state.identity(new ServerIdentity(model.name(), model.name() + "-" + server.address.getPort()));
        }
        return server;
    }

    public InetSocketAddress address() {
        return address;
    }

    public ServerIdentity identity() {
        return state.identity();
    }

    public Lanes lanes() {
        return lanes;
    }

    /**
     * Stops taking work (new requests get {@code draining}, {@code /health} says DRAINING) and waits
     * until every request already taken is answered. Returns false if the time ran out first.
     */
    public boolean drain(long timeout, TimeUnit unit) throws InterruptedException {
        state.startDraining();
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (state.activeRequests() > 0) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** Stops listening and stops the model's threads. */
    @Override
    public void close() {
        undertow.stop();
        lanes.close();
        model.close();
    }

    /**
     * The state the handlers share: identity, drain flag, the count of work requests taken and not
     * yet finished. Threading: I/O threads and the draining thread; fields are volatile or atomic.
     */
    static final class ServerState {
        private final String modelName;
        private final Lanes lanes;
        private final long startNanos = System.nanoTime();
        private final AtomicInteger activeRequests = new AtomicInteger();
        private final AtomicInteger refusedWhileDraining = new AtomicInteger();
        private volatile ServerIdentity identity;
        private volatile boolean draining;

        ServerState(String modelName, Lanes lanes) {
            this.modelName = modelName;
            this.lanes = lanes;
            this.identity = new ServerIdentity(modelName, modelName);
        }

        ServerIdentity identity() {
            return identity;
        }

        void identity(ServerIdentity identity) {
            this.identity = identity;
        }

        String modelName() {
            return modelName;
        }

        Lanes lanes() {
            return lanes;
        }

        double uptimeSeconds() {
            return (System.nanoTime() - startNanos) / 1e9;
        }

        boolean draining() {
            return draining;
        }

        void startDraining() {
            draining = true;
        }

        /**
         * Counts a work request in, unless the server is draining. The count is raised before the
         * flag is read, and the drainer sets the flag before reading the count: whichever way they
         * interleave, a request taken is one the drainer waits for.
         */
        boolean enter() {
            activeRequests.incrementAndGet();
            if (draining) {
                activeRequests.decrementAndGet();
                refusedWhileDraining.incrementAndGet();
                return false;
            }
            return true;
        }

        void exit() {
            activeRequests.decrementAndGet();
        }

        int activeRequests() {
            return activeRequests.get();
        }

        int refusedWhileDraining() {
            return refusedWhileDraining.get();
        }
    }
}
