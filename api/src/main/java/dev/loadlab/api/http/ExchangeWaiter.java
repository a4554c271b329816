package dev.loadlab.api.http;

import dev.loadlab.api.error.ApiError;
import dev.loadlab.api.json.Json;
import dev.loadlab.api.lane.Lane;
import dev.loadlab.api.lane.Waiter;
import dev.loadlab.api.work.WorkRequest;
import io.undertow.server.HttpServerExchange;
import java.nio.ByteBuffer;
import org.xnio.IoUtils;

/**
 * A request in a lane, carrying its exchange, and the service every model gives it: the simulated
 * work, then the answer. Subclasses say how their model waits and how a shed request is answered
 * on the right thread.
 *
 * <p>Failures: {@link #serveBlocking()} and {@link #computeAndAnswer()} never throw. If the work or
 * the answer fails, the failure is logged and the request answered {@code 500 internal_error} (or
 * its connection closed, if its answer had already begun), so that the model always goes on to
 * release the lane and hand the worker to the next waiter.
 *
 * <p>Threading: at any moment one thread owns the exchange (see {@link ConcurrencyModel}); the
 * methods below are called by that thread.
 */
public abstract class ExchangeWaiter extends Waiter {
    private static final System.Logger LOG = System.getLogger(ExchangeWaiter.class.getName());
    /**
     * The largest payload's bytes, {@code x}s, allocated once: each answer sends a slice of it
     * (a read-only duplicate, so concurrent answers never share a position), never a copy, so a
     * large payload costs the server what the network costs, not heap.
     */
    private static final ByteBuffer PAYLOAD = filledWithX(WorkRequest.MAX_PAYLOAD_BYTES);

    protected final ApiRequest request;

    protected ExchangeWaiter(ApiRequest request) {
        this.request = request;
    }

    public final HttpServerExchange exchange() {
        return request.exchange();
    }

    public final Lane lane() {
        return request.lane();
    }

    public final WorkRequest work() {
        return request.work();
    }

    /** Milliseconds of simulated I/O this request waits before its CPU work. */
    public final long ioMillis() {
        return request.server().work().ioMillis(request.work());
    }

    /**
     * Serves the request in blocking style on the calling thread, as the threads and virtual-threads
     * models do: sleeps for the I/O (a virtual thread unmounts meanwhile), then
     * {@link #computeAndAnswer()}. Never throws.
     */
    public final void serveBlocking() {
        long ioMillis = ioMillis();
        try {
            if (ioMillis > 0) {
                Thread.sleep(ioMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // only when the model closes, after the drain: answer anyway
        }
        computeAndAnswer();
    }

    /**
     * Computes the request's CPU work on the calling thread, then answers 200 with its timings; call
     * once the I/O wait is over. Never throws: a failure is answered {@code internal_error}.
     */
    public final void computeAndAnswer() {
        try {
            request.server().work().computeCpu(request.work());
            answerDone();
        } catch (RuntimeException | Error failure) {
            answerFailure(failure);
        }
    }

    private void answerDone() {
        long serviceNanos = System.nanoTime() - grantedNanos();
        request.server().serviceTimes().record(inFlightAtArrival(), serviceNanos);
        int payloadBytes = request.work().payloadBytes();
        ServerIdentity identity = request.server().identity();
        StringBuilder body = new StringBuilder(192);
        body.append("{\"id\":");
        Json.appendString(body, request.work().id());
        body.append(",\"model\":");
        Json.appendString(body, identity.model());
        body.append(",\"instance\":");
        Json.appendString(body, identity.instance());
        body.append(",\"discipline\":\"").append(request.lane().discipline().wireName());
        body.append("\",\"queued_ms\":");
        Json.appendMillis(body, queuedNanos());
        body.append(",\"service_ms\":");
        Json.appendMillis(body, serviceNanos);
        body.append(",\"queue_depth\":").append(queueDepthAtArrival());
        if (payloadBytes == 0) {
            Responses.json(exchange(), 200, body.append('}').toString());
        } else {
            Responses.json(exchange(), 200, body.append(",\"payload\":\"").toString(),
                    PAYLOAD.duplicate().limit(payloadBytes), "\"}");
        }
    }

    private static ByteBuffer filledWithX(int bytes) {
        ByteBuffer filled = ByteBuffer.allocateDirect(bytes);
        while (filled.hasRemaining()) {
            filled.put((byte) 'x');
        }
        return filled.flip().asReadOnlyBuffer();
    }

    /**
     * Answers a request whose service failed, and logs the failure. If its answer had already begun
     * nothing more can be said on the exchange: the connection is closed, which ends the exchange.
     */
    private void answerFailure(Throwable failure) {
        try {
            LOG.log(System.Logger.Level.WARNING, "serving a request in the "
                    + request.lane().discipline().wireName() + " lane failed", failure);
            HttpServerExchange exchange = exchange();
            if (exchange.isResponseStarted()) {
                IoUtils.safeClose(exchange.getConnection());
            } else {
                Responses.error(exchange, ApiError.INTERNAL_ERROR, "the server failed while serving the request ("
                        + failure.getClass().getSimpleName() + "); the cause is in its log");
            }
        } catch (RuntimeException | Error answering) {
            IoUtils.safeClose(exchange().getConnection());
        }
    }

    /** Answers {@code queue_timeout}; call from {@link #onShed()} on a thread that may own the exchange. */
    public final void answerShed() {
        long waitedMillis = (System.nanoTime() - arrivalNanos()) / 1_000_000;
        Responses.error(exchange(), ApiError.QUEUE_TIMEOUT, "the request waited " + waitedMillis + " ms in the "
                + request.lane().discipline().wireName() + " lane, past the lane's limit, and was shed");
    }

    /** Answers {@code queue_full}; call when {@link dev.loadlab.api.lane.Lane#offer} refused the request. */
    public final void answerQueueFull() {
        var settings = request.lane().settings();
        Responses.error(exchange(), ApiError.QUEUE_FULL, "the " + request.lane().discipline().wireName()
                + " lane is full: " + settings.workers() + " in service and " + settings.queueCapacity()
                + " waiting; retry later");
    }
}
