package dev.loadlab.balancer;

import dev.loadlab.api.error.ApiError;
import dev.loadlab.api.http.DrainGate;
import dev.loadlab.api.http.ListenerSetup;
import dev.loadlab.api.http.Responses;
import dev.loadlab.api.http.RunningServer;
import dev.loadlab.api.lane.Lane;
import dev.loadlab.balancer.backend.Backends;
import dev.loadlab.balancer.backend.HealthChecker;
import dev.loadlab.balancer.backend.Prober;
import dev.loadlab.balancer.proxy.BalancerProxyClient;
import dev.loadlab.balancer.proxy.ProxiedRequests;
import dev.loadlab.balancer.proxy.UndertowProxyLog;
import dev.loadlab.balancer.strategy.StrategySwitch;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.proxy.ProxyHandler;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The balancer's HTTP server: its own {@code /health}, {@code /stats} and {@code /metrics}, the
 * strategy switch {@code POST /admin/strategy}, and every other request proxied to the backends.
 *
 * <p>Threading: Undertow's I/O threads run the handlers; {@link #drain} and {@link #close} run on
 * the thread that started it.
 */
final class BalancerServer implements RunningServer {
    /** Largest request body the balancer forwards. */
    static final long MAX_BODY_BYTES = 1024 * 1024;
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    private final Undertow undertow;
    private final Backends backends;
    private final HealthChecker health;
    private final BalancerProxyClient proxyClient;
    private final DrainGate gate;
    private final BalancerSettings settings;
    private final InetSocketAddress address;
    private final String instance;
    private final int backendsUpAtStart;

    private BalancerServer(Undertow undertow, Backends backends, HealthChecker health, BalancerProxyClient proxyClient, DrainGate gate,
            BalancerSettings settings, int backendsUpAtStart) {
        this.undertow = undertow;
        this.backends = backends;
        this.health = health;
        this.proxyClient = proxyClient;
        this.gate = gate;
        this.settings = settings;
        this.address = (InetSocketAddress) undertow.getListenerInfo().getFirst().getAddress();
        this.instance = settings.instance() != null ? settings.instance() : "balancer-" + address.getPort();
        this.backendsUpAtStart = backendsUpAtStart;
    }

    static BalancerServer start(BalancerSettings settings) {
        UndertowProxyLog.install();
        DefaultByteBufferPool buffers = ListenerSetup.sharedBufferPool();
        Backends backends = new Backends(settings.backends(), settings.maxPerBackend(), settings.ejection(),
                settings.rise(), settings.fall());
        StrategySwitch strategy = new StrategySwitch(settings.strategy(), settings.prequal(),
                new Prober(backends, buffers, settings.healthTimeoutMillis()));
        Lane lane = new Lane(settings.discipline(), settings.queue());
        DrainGate gate = new DrainGate();
        BalancerProxyClient proxyClient = new BalancerProxyClient(backends, strategy, lane, settings.maxRequestMillis());
        ProxyHandler proxy = ProxyHandler.builder()
                // The time limit is the proxy client's: Undertow's own (setMaxRequestTime) costs a timer per request.
                .setProxyClient(proxyClient)
                .setMaxConnectionRetries(settings.retries())
                .setRewriteHostHeader(true)
                .setReuseXForwarded(false)
                .build();
        BalancerStatusPages status = new BalancerStatusPages(backends, strategy, lane, gate);
        StrategyAdmin admin = new StrategyAdmin(strategy, backends, gate);
        ProxiedRequests proxied = new ProxiedRequests(proxy, gate, MAX_BODY_BYTES);
        Undertow undertow = ListenerSetup.builder(settings.host(), settings.port(), settings.ioThreads(), buffers)
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, MAX_HEADER_BYTES)
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, MAX_BODY_BYTES)
                .setHandler(exchange -> route(exchange, status, admin, proxied))
                .build();
        HealthChecker checker = new HealthChecker(backends, settings.healthIntervalMillis(),
                settings.healthTimeoutMillis());
        try {
            checker.start();
            int up = awaitFirstVerdicts(checker);
            undertow.start();
            BalancerServer started = new BalancerServer(undertow, backends, checker, proxyClient, gate, settings, up);
            status.instance(started.instance);
            return started;
        } catch (RuntimeException | Error e) {
            // Could not listen (a port in use): stop the checks, the timer, the pools and the sweeper.
            checker.close();
            backends.close();
            proxyClient.close();
            throw e;
        }
    }

    /** The first health checks tell the backends' names, before the balancer takes any request. */
    private static int awaitFirstVerdicts(HealthChecker checker) {
        try {
            return checker.awaitFirstVerdicts();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // start anyway: each backend takes requests once its check passes
            return 0;
        }
    }

    private static void route(HttpServerExchange exchange, BalancerStatusPages status, StrategyAdmin admin,
            ProxiedRequests proxied) throws Exception {
        String path = exchange.getRelativePath();
        boolean own = path.equals("/health") || path.equals("/stats") || path.equals("/metrics");
        if (path.equals(StrategyAdmin.PATH)) {
            if (exchange.getRequestMethod().equals(Methods.POST)) {
                admin.handle(exchange);
            } else {
                methodNotAllowed(exchange, path, "POST");
            }
        } else if (!own) {
            proxied.handleRequest(exchange);
        } else if (!exchange.getRequestMethod().equals(Methods.GET)) {
            methodNotAllowed(exchange, path, "GET");
        } else {
            switch (path) {
                case "/health" -> status.health(exchange);
                case "/stats" -> status.stats(exchange);
                default -> status.metrics(exchange);
            }
        }
    }

    private static void methodNotAllowed(HttpServerExchange exchange, String path, String allowed) {
        exchange.getResponseHeaders().put(Headers.ALLOW, allowed);
        Responses.error(exchange, ApiError.METHOD_NOT_ALLOWED,
                "method " + exchange.getRequestMethod() + " is not allowed on " + path + "; use " + allowed);
    }

    InetSocketAddress address() {
        return address;
    }

    @Override
    public String startLine() {
        return "loadlab balancer " + instance + " listening on http://" + address.getAddress().getHostAddress() + ":"
                + address.getPort() + " backends: " + settings.backends().stream()
                        .map(b -> b.hostAndPort() + (b.weight() != 1 ? "=" + b.weight() : ""))
                        .collect(Collectors.joining(","))
                + " (" + backendsUpAtStart + " up)"
                + " strategy=" + settings.strategy().wireName() + " max-per-backend=" + settings.maxPerBackend()
                + " queue=" + settings.discipline().wireName() + " queue-capacity=" + settings.queue().queueCapacity()
                + " queue-timeout-ms=" + settings.queue().queueTimeoutMillis() + " retries=" + settings.retries()
                + " health-interval-ms=" + settings.healthIntervalMillis() + " rise=" + settings.rise()
                + " fall=" + settings.fall() + " eject-after=" + settings.ejection().consecutiveFailures()
                + "; io-threads=" + settings.ioThreads() + " jdk=" + Runtime.version()
                + " cores=" + Runtime.getRuntime().availableProcessors();
    }

    @Override
    public String name() {
        return instance;
    }

    @Override
    public boolean drain(long timeout, TimeUnit unit) throws InterruptedException {
        return gate.drain(timeout, unit);
    }

    @Override
    public void close() {
        undertow.stop();
        health.close();
        backends.close();
        proxyClient.close();
    }
}
