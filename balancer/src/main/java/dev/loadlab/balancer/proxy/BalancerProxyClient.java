package dev.loadlab.balancer.proxy;

import dev.loadlab.api.error.ApiError;
import dev.loadlab.api.http.Responses;
import dev.loadlab.api.lane.Lane;
import dev.loadlab.api.lane.Waiter;
import dev.loadlab.balancer.backend.Backend;
import dev.loadlab.balancer.backend.Backends;
import dev.loadlab.balancer.strategy.Strategy;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.proxy.ProxyCallback;
import io.undertow.server.handlers.proxy.ProxyClient;
import io.undertow.server.handlers.proxy.ProxyConnection;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HttpString;
import io.undertow.util.StatusCodes;
import org.xnio.IoUtils;
import java.util.concurrent.TimeUnit;

/**
 * loadlab's side of Undertow's {@code ProxyHandler}: which backend gets a request, when it must
 * wait in the balancer's lane, and what each backend has in flight. Undertow forwards the bytes.
 *
 * <p>A request is admitted to the lane once. Its lane has as many workers as the available
 * backends can take at once (available backends × {@code --max-per-backend}), so a request waits
 * exactly when every available backend is at its limit. With a worker, it reserves a place on the
 * backend the strategy picks, and Undertow's connection pool for that backend connects. When
 * Undertow's proxy handler retries (a connect failure, or an idempotent request that failed after
 * reaching a backend, up to {@code --retries}), it calls {@link #getConnection} again and the
 * request keeps its worker and goes to a backend it has not tried. The worker is released when
 * the exchange ends, and handed to the next waiter in the lane's discipline.
 *
 * <p>Threading: Undertow calls both methods on the exchange's I/O thread. A worker granted by
 * another thread (a release on another I/O thread, a capacity rise on a health-check or timer
 * thread) is taken up by a task posted to the waiter's own I/O thread, so that each
 * {@link Forwarding} is touched by one thread only. Capacity changes arrive on any thread and are
 * serialised by {@link LaneCapacity}.
 */
public final class BalancerProxyClient implements ProxyClient, AutoCloseable {
    private static final ProxyTarget EVERY_BACKEND = new ProxyTarget() { };
    private static final AttachmentKey<Forwarding> FORWARDING = AttachmentKey.create(Forwarding.class);
    public static final HttpString X_BACKEND = new HttpString("X-Backend");

    private final Backends backends;
    private final Strategy strategy;
    private final Lane lane;
    private final LaneCapacity laneCapacity;
    private final QueueSweeper sweeper;
    /** The time limit per request; null when there is none. */
    private final RequestDeadlines deadlines;

    /**
     * @param maxRequestMillis the time limit of one request, from its arrival to the end of its
     *                         answer, or 0 for none: a request still unanswered then gets
     *                         {@code 504 gateway_timeout}; one whose answer has begun is cut off
     */
    public BalancerProxyClient(Backends backends, Strategy strategy, Lane lane, long maxRequestMillis) {
        this.backends = backends;
        this.strategy = strategy;
        this.lane = lane;
        this.laneCapacity = new LaneCapacity(lane, backends::capacity);
        this.sweeper = new QueueSweeper(lane);
        this.deadlines = maxRequestMillis > 0 ? new RequestDeadlines(maxRequestMillis, this::overdue) : null;
        backends.onCapacityChange(this::followCapacity);
        followCapacity();
    }

    /** Every request is for the backends, whatever its Host header or absolute URI says. */
    @Override
    public ProxyTarget findTarget(HttpServerExchange exchange) {
        return EVERY_BACKEND;
    }

    @Override
    public void getConnection(ProxyTarget target, HttpServerExchange exchange,
            ProxyCallback<ProxyConnection> callback, long timeout, TimeUnit timeUnit) {
        Forwarding forwarding = exchange.getAttachment(FORWARDING);
        if (forwarding == null) {
            admit(new Forwarding(exchange, callback, this));
        } else {
            // A retry: the last attempt failed, perhaps after the backend received the request.
            forwarding.proxyCallback = callback;
            endAttempt(forwarding, true);
            forward(forwarding);
        }
    }

    private void admit(Forwarding forwarding) {
        HttpServerExchange exchange = forwarding.exchange;
        exchange.putAttachment(FORWARDING, forwarding);
        exchange.addExchangeCompleteListener((ended, next) -> {
            ended(forwarding);
            next.proceed();
        });
        if (deadlines != null) {
            deadlines.start(forwarding);
        }
        if (!backends.anyAvailable()) {
            forwarding.proxyCallback.couldNotResolveBackend(exchange); // fast 503 no_backend, never queued
            return;
        }
        switch (lane.offer(forwarding)) {
            case SERVE_NOW -> {
                forwarding.holdsWorker = true;
                forward(forwarding);
            }
            case QUEUED -> {
                forwarding.disconnectWatch = DisconnectWatch.start(exchange, () -> {
                    if (lane.cancel(forwarding)) {
                        IoUtils.safeClose(exchange.getConnection()); // the client left while waiting: nobody to answer
                    }
                });
                sweeper.waiterQueued();
            }
            case QUEUE_FULL -> {
                var settings = lane.settings();
                Responses.error(exchange, ApiError.QUEUE_FULL, "every backend is at its limit of "
                        + backends.maxPerBackend() + " requests in flight and the balancer's queue holds "
                        + settings.queueCapacity() + "; retry later");
            }
        }
    }

    /** On the exchange's I/O thread, holding a worker: sends the request to a backend it has not tried. */
    private void forward(Forwarding forwarding) {
        Backend backend = backends.reserve(strategy, forwarding.tried);
        if (backend == null) {
            forwarding.proxyCallback.couldNotResolveBackend(forwarding.exchange);
            return;
        }
        forwarding.tried.add(backend);
        forwarding.backend = backend;
        forwarding.attemptStartNanos = System.nanoTime();
        forwarding.exchange.getResponseHeaders().put(X_BACKEND, backend.instance());
        backends.connect(backend, EVERY_BACKEND, forwarding.exchange, new Attempt(forwarding));
    }

    /** Frees the attempt's place on its backend, counting it as answered or failed. */
    private void endAttempt(Forwarding forwarding, boolean failed) {
        Backend backend = forwarding.backend;
        if (backend == null) {
            return;
        }
        forwarding.backend = null;
        forwarding.backendConnection = null; // from now on the pool's, perhaps serving another request
        if (failed) {
            backends.failed(backend);
        } else {
            backends.finished(backend, System.nanoTime() - forwarding.attemptStartNanos,
                    forwarding.exchange.getStatusCode());
        }
    }

    /** On the exchange's I/O thread, when it has ended in any way. */
    private void ended(Forwarding forwarding) {
        forwarding.ended = true;
        forwarding.stopWatching();
        if (deadlines != null) {
            deadlines.stop(forwarding);
        }
        endAttempt(forwarding, false);
        if (forwarding.holdsWorker) {
            forwarding.holdsWorker = false;
            handOn(lane.release());
        } else {
            lane.cancel(forwarding); // still waiting if the client went away; otherwise a no-op
        }
    }

    /** Starts a waiter that the lane has just granted a worker, on its own I/O thread. */
    private void handOn(Waiter granted) {
        if (granted == null) {
            return;
        }
        Forwarding next = (Forwarding) granted;
        next.exchange.getIoThread().execute(() -> {
            next.stopWatching();
            if (next.ended) {
                handOn(lane.release()); // its client left meanwhile: the worker goes on
            } else {
                next.holdsWorker = true;
                forward(next);
            }
        });
    }

    /** Posted to the exchange's I/O thread by the lane's shed. */
    void answerShed(Forwarding forwarding) {
        forwarding.stopWatching();
        if (!forwarding.ended) {
            long waitedMillis = (System.nanoTime() - forwarding.arrivalNanos()) / 1_000_000;
            Responses.error(forwarding.exchange, ApiError.QUEUE_TIMEOUT, "the request waited " + waitedMillis
                    + " ms in the balancer's " + lane.discipline().wireName() + " queue, past its limit, and was shed");
        }
    }

    /**
     * On the exchange's I/O thread, when the request is past the balancer's time limit: drops the
     * backend's connection (its answer would come too late), then answers {@code 504} (turned into
     * JSON by {@link ErrorAnswers}), or, if the backend's answer has begun, closes the client's
     * connection, the only way to tell the client that answer is cut short. A request still waiting
     * in the lane leaves it when its exchange ends.
     */
    private void overdue(Forwarding forwarding) {
        if (forwarding.ended) {
            return;
        }
        HttpServerExchange exchange = forwarding.exchange;
        IoUtils.safeClose(forwarding.backendConnection);
        if (exchange.isResponseStarted()) {
            IoUtils.safeClose(exchange.getConnection());
        } else {
            exchange.setStatusCode(StatusCodes.GATEWAY_TIME_OUT);
            exchange.endExchange();
        }
    }

    /** The lane's workers follow the backends' capacity; a rise starts waiters at once. Any thread. */
    private void followCapacity() {
        for (Waiter granted : laneCapacity.follow()) {
            handOn(granted);
        }
    }

    /** Stops the lane's sweeper. */
    @Override
    public void close() {
        sweeper.close();
    }

    /** Relays Undertow's connection pool's verdict to the proxy handler, accounting on the way. */
    private final class Attempt implements ProxyCallback<ProxyConnection> {
        private final Forwarding forwarding;

        Attempt(Forwarding forwarding) {
            this.forwarding = forwarding;
        }

        @Override
        public void completed(HttpServerExchange exchange, ProxyConnection connection) {
            forwarding.backendConnection = connection.getConnection();
            forwarding.proxyCallback.completed(exchange,
                    new ProxyConnection(new ForwardedForOnly(connection.getConnection()), connection.getTargetPath()));
        }

        @Override
        public void failed(HttpServerExchange exchange) {
            endAttempt(forwarding, true);
            forwarding.proxyCallback.failed(exchange); // the proxy handler retries, or answers 503
        }

        @Override
        public void queuedRequestFailed(HttpServerExchange exchange) {
            failed(exchange);
        }

        @Override
        public void couldNotResolveBackend(HttpServerExchange exchange) {
            endAttempt(forwarding, true);
            forwarding.proxyCallback.couldNotResolveBackend(exchange);
        }
    }
}
