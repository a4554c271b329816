package dev.loadlab.api.http;

import dev.loadlab.api.cli.ServerOptions;
import dev.loadlab.api.lane.LaneSettings;
import dev.loadlab.api.lane.Lanes;
import dev.loadlab.api.work.SimulatedWork;
import dev.loadlab.api.work.WorkParameters;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP server every loadlab model runs: Undertow, the contract's routes, the lanes, drain.
 * What differs between servers is only the {@link ConcurrencyModel} handed in.
 *
 * <p>Threading: Undertow's I/O threads run the handlers; {@link #drain} and {@link #close} are
 * called by the thread that started the server (or a test).
 */
public final class ApiServer implements RunningServer {
    private final Undertow undertow;
    private final ConcurrencyModel model;
    private final Lanes lanes;
    private final ServerState state;
    private final ServerOptions options;
    private final int ioThreads;
    private final InetSocketAddress address;

    private ApiServer(Undertow undertow, ConcurrencyModel model, Lanes lanes, ServerState state,
            ServerOptions options, int ioThreads) {
        this.undertow = undertow;
        this.model = model;
        this.lanes = lanes;
        this.state = state;
        this.options = options;
        this.ioThreads = ioThreads;
        this.address = (InetSocketAddress) undertow.getListenerInfo().getFirst().getAddress();
    }

    /**
     * Starts listening. The instance name, unless given, is {@code <model>-<port>}.
     *
     * @param ioThreads Undertow I/O threads (event loops)
     */
    public static ApiServer start(ServerOptions options, ConcurrencyModel model, int ioThreads) {
        return start(options, model, ioThreads, SimulatedWork.slowedDownBy(options.slowdown()));
    }

    /**
     * Starts listening, with requests doing {@code work} instead of what they ask for: for tests
     * and tools that start a server in-process (a fault injected into service, say).
     */
    public static ApiServer start(ServerOptions options, ConcurrencyModel model, int ioThreads, SimulatedWork work) {
        Lanes lanes = new Lanes(options.laneSettings());
        ServerState state = new ServerState(model.name(), lanes, work, options.slowdown());
        if (options.instance() != null) {
            state.identity(new ServerIdentity(model.name(), options.instance()));
        }
        var parameters = new WorkParameters(options.ioMillis(), options.cpuMillis());
        Undertow undertow = ListenerSetup.builder(options.host(), options.port(), ioThreads,
                        ListenerSetup.sharedBufferPool())
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
        ApiServer server = new ApiServer(undertow, model, lanes, state, options, ioThreads);
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
    @Override
    public boolean drain(long timeout, TimeUnit unit) throws InterruptedException {
        return state.gate().drain(timeout, unit);
    }

    @Override
    public String name() {
        return state.identity().instance();
    }

    @Override
    public String startLine() {
        String host = address.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        LaneSettings lanes = options.laneSettings();
        return "loadlab " + identity().model() + " server " + identity().instance()
                + " listening on http://" + host + ":" + address.getPort()
                + " lanes: workers=" + lanes.workers() + " queue-capacity=" + lanes.queueCapacity()
                + " queue-timeout-ms=" + lanes.queueTimeoutMillis()
                + " codel-interval-ms=" + lanes.codelIntervalMillis() + " codel-target-ms=" + lanes.codelTargetMillis()
                + "; work: io-ms=" + options.ioMillis() + " cpu-ms=" + options.cpuMillis()
                + " slowdown=" + options.slowdown()
                + "; io-threads=" + ioThreads + " jdk=" + Runtime.version()
                + " cores=" + Runtime.getRuntime().availableProcessors();
    }

    /** Stops listening and stops the model's threads. */
    @Override
    public void close() {
        undertow.stop();
        lanes.close();
        model.close();
    }
}
