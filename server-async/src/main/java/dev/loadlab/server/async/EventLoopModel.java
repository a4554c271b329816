package dev.loadlab.server.async;

import dev.loadlab.api.http.ApiRequest;
import dev.loadlab.api.http.ConcurrencyModel;
import dev.loadlab.api.http.ExchangeWaiter;
import dev.loadlab.api.lane.Lane;
import io.undertow.util.SameThreadExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Non-blocking handlers on the NIO event loop, as Node.js serves: no thread ever blocks. A waiting
 * request is a suspended exchange in its lane's queue; {@code io_ms} is a timer on the exchange's
 * I/O thread; {@code cpu_ms} computes on the event loop itself, stalling every other connection of
 * that loop for its duration, exactly as a Node.js handler doing CPU work would.
 *
 * <p>Hand-offs: everything about an exchange runs on its own I/O thread. When a request finishes,
 * the lane hands its worker to the next waiter, whose exchange may belong to another I/O thread:
 * its service is started by a task posted to that thread. Sheds are posted the same way.
 */
public final class EventLoopModel implements ConcurrencyModel {

    @Override
    public String name() {
        return "async";
    }

    @Override
    public void process(ApiRequest request) {
        SuspendedExchange suspended = new SuspendedExchange(request);
        // Admission runs once the root handler has returned, so that the exchange stays open
        // (dispatched) for as long as it waits or works.
        request.exchange().dispatch(SameThreadExecutor.INSTANCE, () -> admit(suspended));
    }

    /** On the exchange's I/O thread. */
    private static void admit(SuspendedExchange request) {
        switch (request.lane().offer(request)) {
            case SERVE_NOW -> start(request);
            case QUEUED -> { } // the lane resumes it through resume(), or sheds it
            case QUEUE_FULL -> request.answerQueueFull();
        }
    }

    /** On the exchange's I/O thread: waits for the simulated I/O without blocking, then works. */
    private static void start(SuspendedExchange request) {
        long ioMillis = request.ioMillis();
        if (ioMillis > 0) {
            request.exchange().getIoThread().executeAfter(() -> finish(request), ioMillis, TimeUnit.MILLISECONDS);
        } else {
            finish(request);
        }
    }

    /**
     * On the exchange's I/O thread: the CPU work, the answer (a failure is answered too, see
     * {@link ExchangeWaiter}), and the worker handed on.
     */
    private static void finish(SuspendedExchange request) {
        Lane lane = request.lane();
        try {
            request.computeAndAnswer();
        } finally {
            SuspendedExchange next = (SuspendedExchange) lane.release();
            if (next != null) {
                next.exchange().getIoThread().execute(() -> start(next));
            }
        }
    }

    @Override
    public void close() {
        // Nothing of its own: every task runs on Undertow's I/O threads.
    }

    /** An exchange suspended in its lane's queue. */
    private static final class SuspendedExchange extends ExchangeWaiter {
        SuspendedExchange(ApiRequest request) {
            super(request);
        }

        /** Posted to the exchange's own I/O thread, whichever thread noticed the expiry. */
        @Override
        protected void onShed() {
            exchange().getIoThread().execute(this::answerShed);
        }
    }
}
