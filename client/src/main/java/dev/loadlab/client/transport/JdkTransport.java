package dev.loadlab.client.transport;

import dev.loadlab.client.load.Ledger;
import dev.loadlab.client.load.Load;
import dev.loadlab.client.load.LoadSettings;
import dev.loadlab.client.load.Transport;

/**
 * The jdk transport: {@code java.net.http.HttpClient} (HTTP/1.1, completions run in place), one
 * virtual thread per connection blocked in {@code send} ({@link Sender}). Kept as the measured
 * alternative to the netty transport: three to four times its CPU per request in a closed loop, more in
 * an open loop (client/README.md).
 *
 * <p><b>Threads.</b> The driving thread opens, starts, sweeps and closes it; the senders run
 * on their own virtual threads; the HTTP client has its own selector thread.
 */
final class JdkTransport implements Transport {
    private final HttpTarget target;

    JdkTransport(LoadSettings settings) {
        this.target = new HttpTarget(settings);
    }

    @Override
    public InFlight start(Load load) {
        Ledger ledger = load.ledger();
        SenderGroup senders = new SenderGroup(target, ledger, load.connections());
        switch (load) {
            case Load.Closed closed -> new JdkClosedLoop(closed.budget()).start(senders);
            case Load.Open open -> new JdkOpenLoop(open.timetable()).start(senders);
        }
        return new InFlight() {
            @Override
            public boolean awaitEnded(long nanos) throws InterruptedException {
                return senders.awaitEnded(nanos);
            }

            @Override
            public void sweepOverdue() {
                sweep(senders, ledger, System.nanoTime());
            }
        };
    }

    /**
     * Every exchange not yet ended {@code --timeout} after it was sent is settled as a timeout, at
     * exactly that time, and aborted by its sender. The sender races for the same exchange with
     * {@link HttpClientExchange#trySettle}: exactly one of them records it.
     */
    private static void sweep(SenderGroup senders, Ledger ledger, long nowNanos) {
        for (Sender sender : senders.senders()) {
            HttpClientExchange exchange = sender.current();
            if (exchange == null || exchange.isSettled() || !ledger.overdue(exchange.sentNanos, nowNanos)
                    || !exchange.trySettle()) {
                continue;
            }
            ledger.sweptTimeout(exchange.phase, exchange.intendedNanos, exchange.sentNanos);
            sender.abort(exchange);
        }
    }

    @Override
    public String description() {
        return "jdk java.net.http.HttpClient, a virtual thread per connection";
    }

    /** Aborts whatever is still open (warm-up stragglers). */
    @Override
    public void close() {
        target.close();
    }
}
