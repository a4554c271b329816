package dev.loadlab.balancer.proxy;

import dev.loadlab.api.lane.Waiter;
import dev.loadlab.balancer.backend.Backend;
import io.undertow.client.ClientConnection;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.proxy.ProxyCallback;
import io.undertow.server.handlers.proxy.ProxyConnection;
import java.util.ArrayList;
import java.util.List;

/**
 * One client request on its way through the balancer: its place in the balancer's lane, the
 * backends it has tried, and the attempt in progress.
 *
 * <p>Threading: every field is read and written only on the exchange's own I/O thread, including
 * {@link #holdsWorker} and {@link #ended}: a worker granted by another thread is taken up by a
 * task posted to that I/O thread. The lane hands the object between threads under its lock.
 */
final class Forwarding extends Waiter {
    final HttpServerExchange exchange;
    /** Backends this request has been sent to; usually one. */
    final List<Backend> tried = new ArrayList<>(2);
    /** Undertow's proxy handler, to be told of the connection or of the failure. */
    ProxyCallback<ProxyConnection> proxyCallback;
    /** The backend of the attempt in progress, holding one of its in-flight places; null between attempts. */
    Backend backend;
    /** The connection to {@link #backend} once the pool has given one; null before and between attempts. */
    ClientConnection backendConnection;
    long attemptStartNanos;
    /** Holds one of the lane's workers, to be released when the exchange ends. */
    boolean holdsWorker;
    /** The exchange has ended: a worker granted from now on goes straight to the next waiter. */
    boolean ended;
    /** Watches the client's connection while the request waits in the queue; null otherwise. */
    DisconnectWatch disconnectWatch;
    /** When the balancer's time limit for this request runs out. */
    long deadlineNanos;
    /** Its I/O thread's list of requests in flight while it is in it, else null; and its links there. */
    RequestDeadlines.InFlight deadlineList;
    Forwarding olderInFlight;
    Forwarding newerInFlight;
    private final BalancerProxyClient client;

    Forwarding(HttpServerExchange exchange, ProxyCallback<ProxyConnection> proxyCallback, BalancerProxyClient client) {
        this.exchange = exchange;
        this.proxyCallback = proxyCallback;
        this.client = client;
    }

    void stopWatching() {
        if (disconnectWatch != null) {
            disconnectWatch.stop();
            disconnectWatch = null;
        }
    }

    @Override
    protected void onShed() {
        exchange.getIoThread().execute(() -> client.answerShed(this));
    }
}
