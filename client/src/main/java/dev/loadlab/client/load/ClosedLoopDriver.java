package dev.loadlab.client.load;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The closed loop: {@code concurrency} senders, each sending its next request when its last
 * one has ended, so exactly {@code concurrency} requests are in flight until the stop
 * condition is met.
 *
 * <p>A worker is a virtual thread blocked in {@code HttpClient.send}: on this HTTP client
 * the cheapest way to keep a request in flight (no completion hop to another pool).
 * Latency is measured from the actual send: a closed loop has no schedule to fall behind,
 * which is why it cannot show coordinated omission (use the open loop for that).
 *
 * <p><b>Threads.</b> The driving thread constructs it and starts the senders; {@link #work}
 * runs on every sender's thread; the permit counter is shared by all of them.
 */
final class ClosedLoopDriver {
    private final long measuredStartNanos;
    private final long measuredEndNanos;
    /** Measured requests still to send; goes negative once exhausted. */
    private final AtomicLong permits;

    ClosedLoopDriver(long measuredStartNanos, StopCondition stop) {
        this.measuredStartNanos = measuredStartNanos;
        this.measuredEndNanos = stop.duration().map(d -> measuredStartNanos + d.toNanos()).orElse(Long.MAX_VALUE);
        this.permits = new AtomicLong(stop.requests().orElse(Long.MAX_VALUE));
    }

    void start(SenderGroup senders) {
        senders.start("closed-loop-worker-", this::work);
    }

    private void work(Sender sender, int index) {
        while (true) {
            long now = System.nanoTime();
            if (now >= measuredEndNanos) {
                return;
            }
            boolean measured = now >= measuredStartNanos;
            if (measured && permits.getAndDecrement() <= 0) {
                return;
            }
            sender.send(now, now, measured);
        }
    }
}
