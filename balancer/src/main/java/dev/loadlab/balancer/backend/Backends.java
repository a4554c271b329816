package dev.loadlab.balancer.backend;

import dev.loadlab.balancer.strategy.Strategy;
import io.undertow.client.UndertowClient;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.proxy.ProxyCallback;
import io.undertow.server.handlers.proxy.ProxyClient;
import io.undertow.server.handlers.proxy.ProxyConnection;
import io.undertow.server.handlers.proxy.ConnectionPoolManager;
import io.undertow.server.handlers.proxy.ProxyConnectionPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Collection;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.xnio.OptionMap;
import org.xnio.Options;

/**
 * The configured backends and the rules for handing them requests: only available ones
 * (healthy, not ejected), each below its in-flight limit, chosen by the strategy.
 *
 * <p>Whenever the number of available backends changes (a health check flips, an ejection starts
 * or ends), the listener set by {@link #onCapacityChange} is told, so that the balancer's queue
 * follows the capacity: available backends × limit per backend.
 *
 * <p>Health: {@code --rise} passed health checks or probes in a row make a backend UP,
 * {@code --fall} failed ones DOWN; probes (of {@code prequal}) count as checks.
 *
 * <p>Threading: {@link #reserve}, {@link #finished}, {@link #failed} and probe outcomes are called
 * by I/O threads; health checks by the health checker's threads; ejection ends by the timer
 * thread. All may run at once.
 */
public final class Backends implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Backends.class.getName());
    /** How many times a reservation retries when another thread took the last place first. */
    private static final int RESERVE_ATTEMPTS = 8;

    private final List<Backend> all;
    private final int maxPerBackend;
    private final EjectionPolicy ejection;
    private final int rise;
    private final int fall;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "backend-timer");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Runnable capacityListener = () -> { };

    /**
     * @param rise passed checks in a row that make a DOWN backend UP
     * @param fall failed checks in a row that make an UP backend DOWN
     */
    public Backends(List<BackendAddress> addresses, int maxPerBackend, EjectionPolicy ejection, int rise, int fall) {
        this.maxPerBackend = maxPerBackend;
        this.ejection = ejection;
        this.rise = rise;
        this.fall = fall;
        List<Backend> backends = new ArrayList<>();
        for (BackendAddress address : addresses) {
            backends.add(new Backend(address, new ProxyConnectionPool(new PoolLimits(maxPerBackend),
                    address.uri(), UndertowClient.getInstance(), OptionMap.create(Options.TCP_NODELAY, true))));
        }
        this.all = List.copyOf(backends);
    }

    public List<Backend> all() {
        return all;
    }

    public int maxPerBackend() {
        return maxPerBackend;
    }

    /** Called with no argument whenever {@link #capacity()} may have changed. */
    public void onCapacityChange(Runnable listener) {
        this.capacityListener = listener;
    }

    /** Requests the available backends can take at once: the balancer lane's worker count. */
    public int capacity() {
        long now = System.nanoTime();
        int available = 0;
        for (Backend backend : all) {
            if (backend.available(now)) {
                available++;
            }
        }
        return available * maxPerBackend;
    }

    /**
     * Reserves an in-flight place on a backend the strategy picks among the available ones not in
     * {@code tried}; null if none of them has room.
     */
    public Backend reserve(Strategy strategy, Collection<Backend> tried) {
        for (int attempt = 0; attempt < RESERVE_ATTEMPTS; attempt++) {
            List<Backend> candidates = candidates(tried);
            if (candidates.isEmpty()) {
                return null;
            }
            Backend chosen = strategy.pick(candidates);
            if (chosen.tryReserve(maxPerBackend)) {
                return chosen;
            }
        }
        return null;
    }

    /** Whether any backend is available, full or not. */
    public boolean anyAvailable() {
        long now = System.nanoTime();
        for (Backend backend : all) {
            if (backend.available(now)) {
                return true;
            }
        }
        return false;
    }

    /** The available backends not in {@code tried} with room for one more request. */
    private List<Backend> candidates(Collection<Backend> tried) {
        long now = System.nanoTime();
        List<Backend> candidates = new ArrayList<>(all.size());
        for (Backend backend : all) {
            if (backend.inFlight() < maxPerBackend && backend.available(now) && !tried.contains(backend)) {
                candidates.add(backend);
            }
        }
        return candidates;
    }

    /** The backend answered with {@code status}: frees its place, feeds its latency and ejection count. */
    public void finished(Backend backend, long latencyNanos, int status) {
        long now = System.nanoTime();
        boolean serverError = status >= 500;
        backend.finished(latencyNanos, serverError, now);
        outcome(backend, serverError, now);
    }

    /** The request could not get an answer from the backend (connect refused, reset): frees its place. */
    public void failed(Backend backend) {
        backend.failed();
        outcome(backend, true, System.nanoTime());
    }

    private void outcome(Backend backend, boolean failure, long now) {
        long ejectedMillis = backend.recordOutcome(failure, ejection, now);
        if (ejectedMillis > 0) {
            LOG.log(System.Logger.Level.WARNING, "backend " + backend + " ejected for " + ejectedMillis + " ms after "
                    + ejection.consecutiveFailures() + " failures in a row (ejection " + backend.ejections() + ")");
            capacityChanged();
            timer.schedule(this::capacityChanged, ejectedMillis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A health check after a backend's first, or a probe, passed or failed: {@code --rise} passes
     * in a row make the backend UP, {@code --fall} failures DOWN.
     */
    void checked(Backend backend, boolean passed) {
        int streak = backend.countCheck(passed);
        if (passed && streak >= rise) {
            health(backend, true, false);
        } else if (!passed && -streak >= fall) {
            health(backend, false, false);
        }
    }

    /**
     * The verdict on a backend's health. The first verdict ({@code first}) is its first check's
     * alone; a backend found DOWN then is reported, since it never takes a request. Later verdicts
     * are reported when they change the backend's health.
     */
    void health(Backend backend, boolean healthy, boolean first) {
        boolean changed = backend.healthy() != healthy;
        if (changed) {
            backend.healthy(healthy);
        }
        if (first && !healthy) {
            LOG.log(System.Logger.Level.WARNING, "backend " + backend + " is DOWN: its first health check failed");
        } else if (changed && !first) {
            LOG.log(System.Logger.Level.WARNING, "backend " + backend + " is " + (healthy ? "UP again" : "DOWN") + " after "
                    + (healthy ? rise + " passed" : fall + " failed") + " checks or probes in a row");
        }
        if (changed) {
            capacityChanged();
        }
    }

    /**
     * Every backend forgets its ejection, failure streak and latency average
     * ({@link Backend#forgetPassiveState}); an ejection thus ended gives its place back at once.
     */
    public void forgetPassiveState() {
        all.forEach(Backend::forgetPassiveState);
        capacityChanged();
    }

    /** Whether no request is in flight to any backend. */
    public boolean idle() {
        for (Backend backend : all) {
            if (backend.inFlight() > 0) {
                return false;
            }
        }
        return true;
    }

    /** Connects through the backend's pool; on the exchange's I/O thread. */
    public void connect(Backend backend, ProxyClient.ProxyTarget target, HttpServerExchange exchange,
            ProxyCallback<ProxyConnection> callback) {
        backend.pool().connect(target, exchange, callback, -1, TimeUnit.MILLISECONDS, false);
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    private void capacityChanged() {
        capacityListener.run();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        all.forEach(backend -> backend.pool().close());
    }

    /**
     * The limits of Undertow's connection pool for one backend. The balancer itself keeps a backend
     * below its in-flight limit, so the pool never needs to queue, and ejection is the balancer's
     * own: the pool never marks a backend as a problem on its own.
     */
    private record PoolLimits(int maxPerBackend) implements ConnectionPoolManager {
        /**
         * Never the binding limit: the balancer's own in-flight limit is. (A limit of
         * {@code maxPerBackend} per I/O thread did bind: after the balancer's time limit closed a
         * connection, the pool refused the next request on that I/O thread.)
         */
        @Override
        public int getMaxConnections() {
            return Integer.MAX_VALUE;
        }

        @Override
        public int getMaxCachedConnections() {
            return maxPerBackend;
        }

        @Override
        public int getSMaxConnections() {
            return maxPerBackend;
        }

        @Override
        public long getTtl() {
            return TimeUnit.SECONDS.toMillis(60);
        }

        @Override
        public int getMaxQueueSize() {
            return 0;
        }

        @Override
        public int getProblemServerRetry() {
            return -1;
        }

        @Override
        public boolean isAvailable() {
            return true;
        }

        @Override
        public boolean handleError() {
            return true;
        }

        @Override
        public boolean clearError() {
            return true;
        }
    }
}
