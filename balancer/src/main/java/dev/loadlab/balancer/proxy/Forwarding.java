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
 * <p>Its life, as {@link BalancerProxyClient} moves it. The state is implicit in the fields: QUEUED
 * while the lane holds it, HOLDS_WORKER once {@link #holdsWorker}, ATTEMPTING while
 * {@link #backend} is set, BETWEEN_ATTEMPTS when a failed attempt has cleared it, ENDED once
 * {@link #ended}.
 * <pre>
 *  admitted, queued     admitted, served at once
 *        │                       │
 *        ▼                       ▼
 *     QUEUED ──granted──▶ HOLDS_WORKER ──reserve──▶ ATTEMPTING ──failed──▶ BETWEEN_ATTEMPTS
 *        │                       │                   │     ▲                     │
 *        │                       │                   │     └────────retry────────┤
 *        ▼                       ▼                   ▼                           ▼
 *      ENDED                   ENDED               ENDED                       ENDED
 *   shed, cancelled,        no backend           answered,                  retries spent
 *   past deadline           with room            past deadline
 * </pre>
 * (With no backend available, or the queue full, a request is answered at admission and ends
 * without entering the lane.) Which thread moves each edge:
 * <ul>
 * <li>admission, reserve, failed, retry and every edge into ENDED but shed: the exchange's I/O
 *     thread (Undertow calls {@code getConnection} again for a retry; the pool calls back on it;
 *     the deadline is this thread's {@link RequestDeadlines} sweep; {@code ended} runs in the
 *     exchange's completion listener);
 * <li>granted: decided by the lane on whichever thread releases a worker (another request's I/O
 *     thread) or raises the capacity (a health-check, timer or I/O thread), taken up by a task
 *     posted to the exchange's I/O thread;
 * <li>shed: decided by the lane on the thread that noticed the expiry (the {@link QueueSweeper},
 *     or a thread offering to or releasing from the lane), answered by a task posted to the I/O
 *     thread.
 * </ul>
 *
 * <p>Invariant: a request holds a place on a backend ({@link #backend} set, counted in
 * {@code Backend.inFlight}) only while it holds one of the lane's workers: {@code forward} runs
 * only with {@link #holdsWorker}, and {@code ended} frees the backend's place before the worker.
 * Hence the sum of the backends' requests in flight never exceeds the lane's {@code inService}.
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
