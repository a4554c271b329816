package dev.loadlab.client.transport;

import dev.loadlab.client.load.Ledger;
import dev.loadlab.client.record.FailureCause;

/**
 * One connection's worth of load on the jdk transport: sends one request at a time with a
 * blocking {@code HttpClient.send} and records its outcome before it sends the next. A run has
 * a fixed number of senders (the closed loop's concurrency, the open loop's connections); since
 * each has at most one request in flight, the run uses at most that many connections.
 *
 * <p>An answer that has not ended {@code --timeout} after the request left is the watchdog's
 * ({@link JdkTransport}'s sweep): it settles the exchange as a timeout and calls
 * {@link #abort}.
 *
 * <p><b>Threads.</b> {@link #send} is called by the sender's own virtual thread only; the
 * watchdog (the driving thread) reads {@link #current} and calls {@link #abort}. This object's
 * monitor makes sure an interrupt meant for one exchange never reaches the next: the watchdog
 * interrupts only while that exchange is current, and the sender clears its interrupt status,
 * under the same monitor, before it moves on from an exchange the watchdog settled. Neither
 * critical section blocks, so the monitor is safe on a virtual thread (on JDK 21-23, where a
 * virtual thread holding a monitor pins its carrier, it is held for nanoseconds and never
 * across a park).
 */
final class Sender {
    private final HttpTarget target;
    private final Ledger ledger;
    private volatile HttpClientExchange current;
    /** The sender's own thread, set when its loop starts. */
    private volatile Thread thread;

    Sender(HttpTarget target, Ledger ledger) {
        this.target = target;
        this.ledger = ledger;
    }

    /** Called by the sender's thread before its first {@link #send}. */
    void bindToCurrentThread() {
        thread = Thread.currentThread();
    }

    /** Sends one request of {@code phase}, due at {@code intendedNanos} and leaving now, {@code sentNanos}; records its outcome. */
    void send(long intendedNanos, long sentNanos, int phase) {
        HttpClientExchange exchange = new HttpClientExchange(intendedNanos, sentNanos, phase);
        ledger.countSent(phase); // before the exchange can be settled by anyone
        current = exchange;
        Throwable failure = target.send(exchange);
        if (!exchange.trySettle()) {
            synchronized (this) { // the watchdog settled it as a timeout and aborted it
                current = null;
                Thread.interrupted(); // its interrupt, if it sent one, is for this exchange only
            }
            return;
        }
        if (failure == null) {
            ledger.answered(phase, intendedNanos, sentNanos, exchange.answeredNanos(), exchange.statusCode(),
                    exchange.head(), exchange.headLength(), exchange.backend(), exchange.bodyBytes());
        } else {
            ledger.failed(phase, intendedNanos, sentNanos, System.nanoTime(), FailureCause.of(failure));
        }
    }

    HttpClientExchange current() {
        return current;
    }

    /**
     * Ends an exchange the watchdog has settled as a timeout, so that {@code send} returns: a
     * body being read is cancelled; a request still waiting for its answer is cancelled by
     * interrupting the sender's thread ({@code HttpClient.send} then aborts the exchange and
     * closes its connection).
     */
    void abort(HttpClientExchange exchange) {
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
}
