package dev.loadlab.client.load;

/**
 * One connection's worth of load: sends one request at a time with a blocking
 * {@code HttpClient.send} and records its outcome before it sends the next. A run has a
 * fixed number of senders (the closed loop's workers, the open loop's connections); since
 * each has at most one request in flight, the run uses at most that many connections.
 *
 * <p><b>Threads.</b> {@link #send} is called by the sender's own virtual thread only; the
 * watchdog reads {@link #current}; {@link #lastSettledNanos} is read by the driving thread
 * after the sender's thread has ended.
 */
final class Sender {
    private final HttpTarget target;
    private final Ledger ledger;
    private volatile Exchange current;
    private long lastSettledNanos = Long.MIN_VALUE;

    Sender(HttpTarget target, Ledger ledger) {
        this.target = target;
        this.ledger = ledger;
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
            return; // the watchdog settled it as a timeout and aborted it
        }
        if (!measured) {
            return;
        }
        if (failure == null) {
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

    /** When this sender last recorded a measured outcome, or {@code Long.MIN_VALUE}. */
    long lastSettledNanos() {
        return lastSettledNanos;
    }
}
