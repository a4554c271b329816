package dev.loadlab.server.virtualthreads;

import dev.loadlab.api.error.ApiError;
import dev.loadlab.api.http.ApiRequest;
import dev.loadlab.api.http.ConcurrencyModel;
import dev.loadlab.api.http.ExchangeWaiter;
import dev.loadlab.api.http.Responses;
import dev.loadlab.api.lane.Lane;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * A virtual thread per request, written in plain blocking style, as a Go handler is: the thread
 * asks its lane for a permit, parks while it waits, sleeps for {@code io_ms} (which unmounts it
 * from its carrier), computes {@code cpu_ms}, answers, and hands its permit to the next waiter.
 *
 * <p>Hand-offs: the I/O thread dispatches the exchange to a new virtual thread, which owns it from
 * then on; a waiter is a parked virtual thread, and the lane's discipline decides which one the
 * finishing thread unparks. A shed waiter is unparked too and answers {@code queue_timeout} itself.
 * No {@code synchronized} block is entered while blocking, so nothing pins a carrier.
 */
final class VirtualThreadModel implements ConcurrencyModel {
    private final ExecutorService virtualThreads =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("request-", 0).factory());

    @Override
    public String name() {
        return "virtual-threads";
    }

    @Override
    public void process(ApiRequest request) {
        request.exchange().dispatch(virtualThreads, () -> serve(new ParkedRequest(request)));
    }

    /** Runs on the request's own virtual thread. */
    private static void serve(ParkedRequest request) {
        Lane lane = request.lane();
        switch (lane.offer(request)) {
            case SERVE_NOW -> { }
            case QUEUED -> {
                switch (request.awaitTurn()) {
                    case GRANTED -> { }
                    case SHED -> {
                        request.answerShed();
                        return;
                    }
                    case STOPPED -> {
                        Responses.error(request.exchange(), ApiError.DRAINING,
                                "the server stopped before this request's turn in its lane came");
                        return;
                    }
                }
            }
            case QUEUE_FULL -> {
                request.answerQueueFull();
                return;
            }
        }
        try {
            request.serveBlocking();
        } finally {
            ParkedRequest next = (ParkedRequest) lane.release();
            if (next != null) {
                next.grant();
            }
        }
    }

    @Override
    public void close() {
        virtualThreads.shutdownNow();
    }

    /** How a queued request's wait ended. */
    private enum Turn { GRANTED, SHED, STOPPED }

    /**
     * A virtual thread parked in its lane's queue until the lane grants it a permit or sheds it.
     * Threading: constructed and awaited on its own virtual thread; {@link #grant()} and
     * {@link #onShed()} are called once, by whichever thread the lane hands it to.
     */
    private static final class ParkedRequest extends ExchangeWaiter {
        private static final int WAITING = 0;
        private static final int GRANTED = 1;
        private static final int SHED = 2;

        private final Thread thread = Thread.currentThread();
        private volatile int outcome = WAITING;

        ParkedRequest(ApiRequest request) {
            super(request);
        }

        /**
         * Parks until the lane grants a worker or sheds the request. An interrupt (the model
         * closing after a drain that timed out) takes the request out of its lane: parking with the
         * interrupt pending would return at once, and the thread would spin on its carrier. If the
         * lane had already granted or shed it, that outcome stands.
         */
        Turn awaitTurn() {
            while (outcome == WAITING) {
                LockSupport.park(this);
                if (Thread.interrupted() && outcome == WAITING && lane().cancel(this)) {
                    return Turn.STOPPED;
                }
            }
            return outcome == GRANTED ? Turn.GRANTED : Turn.SHED;
        }

        void grant() {
            outcome = GRANTED;
            LockSupport.unpark(thread);
        }

        @Override
        protected void onShed() {
            outcome = SHED;
            LockSupport.unpark(thread);
        }
    }
}
