package dev.loadlab.client.load;

/**
 * One connection's worth of load: sends one request at a time with a blocking
 * {@code HttpClient.send} and records its outcome before it sends the next. A run has a
 * fixed number of senders (the closed loop's workers, the open loop's connections); since
 * each has at most one request in flight, the run uses at most that many connections.
 *
 * <p>An answer that ends later than {@code --timeout} after the request left is a timeout,
 * recorded at the timeout: a client with that timeout would not have waited for it. One that
 * has not ended by then is the watchdog's ({@link Ledger#sweepOverdue}): it settles the
 * exchange as a timeout and calls {@link #abort}.
 *
 * <p><b>Threads.</b> {@link #send} is called by the sender's own virtual thread only; the
 * watchdog reads {@link #current} and calls {@link #abort}; {@link #lastSettledNanos} is read
 * by the driving thread after the sender's thread has ended. This object's monitor makes sure
 * an interrupt meant for one exchange never reaches the next: the watchdog interrupts only
 * while that exchange is current, and the sender clears its interrupt status, under the same
 * monitor, before it moves on from an exchange the watchdog settled.
 */
final class Sender {
    private final HttpTarget target;
    private final Ledger ledger;
    private final long timeoutNanos;
    private volatile Exchange current;
    /** The sender's own thread, set when its loop starts. */
    private volatile Thread thread;
    private long lastSettledNanos = Long.MIN_VALUE;

    Sender(HttpTarget target, Ledger ledger, long timeoutNanos) {
        this.target = target;
        this.ledger = ledger;
        this.timeoutNanos = timeoutNanos;
    }

    /** Called by the sender's thread before its first {@link #send}. */
    void bindToCurrentThread() {
        thread = Thread.currentThread();
    }

    /** Sends one request, due at {@code intendedNanos} and leaving now, {@code sentNanos}; records its outcome. */
    void send(long intendedNanos, long sentNanos, boolean measured) {
        Exchange exchange = new Exchange(intendedNanos, sentNanos, measured);
        if (measured) {
            ledger.countSent(); // before the exchange can be settled by anyone
        }
        current = exchange;
        Throwable failure = target.send(exchange);
        if (!exchange.trySettle()) {
            synchronized (this) { // the watchdog settled it as a timeout and aborted it
                current = null;
                Thread.interrupted(); // its interrupt, if it sent one, is for this exchange only
            }
            return;
        }
        if (!measured) {
            return;
        }
        if (failure == null && exchange.answeredNanos() - exchange.sentNanos > timeoutNanos) {
            long timedOutNanos = exchange.sentNanos + timeoutNanos;
            ledger.timedOut(exchange, timedOutNanos);
            lastSettledNanos = timedOutNanos;
        } else if (failure == null) {
            ledger.answered(exchange);
            lastSettledNanos = exchange.answeredNanos();
        } else {
            long failedNanos = System.nanoTime();
            ledger.failed(exchange, failure, failedNanos);
            lastSettledNanos = failedNanos;
        }
    }

    Exchange current() {
        return current;
    }

    /**
     * Ends an exchange the watchdog has settled as a timeout, so that {@code send} returns: a
     * body being read is cancelled; a request still waiting for its answer is cancelled by
     * interrupting the sender's thread ({@code HttpClient.send} then aborts the exchange and
     * closes its connection).
     */
    void abort(Exchange exchange) {
        if (exchange.readingBody()) {
            exchange.abort();
            return;
        }
        synchronized (this) {
            if (current == exchange) {
                thread.interrupt();
            }
        }
    }

    /** When this sender last recorded a measured outcome, or {@code Long.MIN_VALUE}. */
    long lastSettledNanos() {
        return lastSettledNanos;
    }
}
