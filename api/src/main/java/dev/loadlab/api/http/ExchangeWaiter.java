package dev.loadlab.api.http;

import dev.loadlab.api.error.ApiError;
import dev.loadlab.api.json.Json;
import dev.loadlab.api.lane.Lane;
import dev.loadlab.api.lane.Waiter;
import dev.loadlab.api.work.CpuWork;
import dev.loadlab.api.work.WorkRequest;
import io.undertow.server.HttpServerExchange;

/**
 * A request in a lane, carrying its exchange, and the answers every model gives. Subclasses say how
 * their model waits and how a shed request is answered on the right thread.
 *
 * <p>Threading: at any moment one thread owns the exchange (see {@link ConcurrencyModel}); the
 * answer methods are called by that thread.
 */
public abstract class ExchangeWaiter extends Waiter {
    private static final String PAYLOAD_FILL = "x".repeat(4096);

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

    /**
     * Serves the request in blocking style on the calling thread, as the threads and virtual-threads
     * models do: sleeps for {@code io_ms} (a virtual thread unmounts meanwhile), computes for
     * {@code cpu_ms}, then answers.
     */
    public final void serveBlocking() {
        try {
            if (work().ioMillis() > 0) {
                Thread.sleep(work().ioMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // only when the model closes, after the drain: answer anyway
        }
        CpuWork.burn(work().cpuMillis());
        answerDone();
    }

    /** Answers 200 with the request's timings; call when the work is done. */
    public final void answerDone() {
        long serviceNanos = System.nanoTime() - grantedNanos();
        int payloadBytes = request.work().payloadBytes();
        StringBuilder body = new StringBuilder(192 + payloadBytes);
        body.append("{\"id\":");
        Json.appendString(body, request.work().id());
        body.append(",\"model\":");
        Json.appendString(body, request.identity().model());
        body.append(",\"instance\":");
        Json.appendString(body, request.identity().instance());
        body.append(",\"discipline\":\"").append(request.lane().discipline().wireName());
        body.append("\",\"queued_ms\":");
        Json.appendMillis(body, queuedNanos());
        body.append(",\"service_ms\":");
        Json.appendMillis(body, serviceNanos);
        body.append(",\"queue_depth\":").append(queueDepthAtArrival());
        if (payloadBytes > 0) {
            body.append(",\"payload\":\"");
            for (int left = payloadBytes; left > 0; left -= PAYLOAD_FILL.length()) {
                body.append(PAYLOAD_FILL, 0, Math.min(left, PAYLOAD_FILL.length()));
            }
            body.append('"');
        }
        body.append('}');
        Responses.json(exchange(), 200, body.toString());
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
