package dev.loadlab.client.load;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The closed loop: {@code concurrency} workers, each sending its next request when the
 * last one has ended, so exactly {@code concurrency} requests are in flight until the
 * stop condition is met.
 *
 * <p>A worker is an asynchronous chain rather than a blocked thread: its next request is
 * sent from the completion of the previous one. That keeps a worker's cost to the HTTP
 * client's own work. Latency is measured from the actual send: a closed loop has no
 * schedule to fall behind, which is why it cannot show coordinated omission (use the
 * open loop for that).
 *
 * <p><b>Threads.</b> {@link #run} is called by the driving thread and returns once the
 * last measured request has been dispatched. Workers then run on the HTTP client's
 * completion threads; the permit counter is shared by all of them.
 */
final class ClosedLoopDriver {
    private enum Phase { WARMUP, MEASURED, STOP }

    private final HttpTarget target;
    private final Ledger ledger;
    private final int concurrency;
    private final long measuredStartNanos;
    private final long measuredEndNanos;
    /** Measured requests still to send; goes negative once exhausted. */
    private final AtomicLong permits;
    private final CountDownLatch lastPermitTaken = new CountDownLatch(1);

    ClosedLoopDriver(HttpTarget target, Ledger ledger, int concurrency, long measuredStartNanos,
                     StopCondition stop) {
        this.target = target;
        this.ledger = ledger;
        this.concurrency = concurrency;
        this.measuredStartNanos = measuredStartNanos;
        this.measuredEndNanos = stop.duration().map(d -> measuredStartNanos + d.toNanos()).orElse(Long.MAX_VALUE);
        this.permits = new AtomicLong(stop.requests().orElse(Long.MAX_VALUE));
    }

    /** Starts the workers; returns when sending is over, with the time it ended. */
    long run() throws InterruptedException {
        for (int worker = 0; worker < concurrency; worker++) {
            sendNext();
        }
        if (measuredEndNanos == Long.MAX_VALUE) {
            lastPermitTaken.await();
            return System.nanoTime();
        }
        lastPermitTaken.await(measuredEndNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        return Math.min(System.nanoTime(), measuredEndNanos);
    }

    private void sendNext() {
        // A loop, not recursion: a request that fails at once (say, connection refused)
        // must not grow the stack by one frame per request.
        while (true) {
            long now = System.nanoTime();
            Phase phase = take(now);
            if (phase == Phase.STOP) {
                return;
            }
            Exchange exchange = new Exchange(now, now, phase == Phase.MEASURED, ledger);
            ledger.dispatched(exchange);
            CompletableFuture<?> response = target.send(exchange);
            if (!response.isDone()) {
                response.whenComplete((answer, failure) -> {
                    ended(exchange, failure);
                    sendNext();
                });
                return;
            }
            ended(exchange, failureOf(response));
        }
    }

    private Phase take(long now) {
        if (now < measuredStartNanos) {
            return Phase.WARMUP;
        }
        if (now >= measuredEndNanos) {
            lastPermitTaken.countDown();
            return Phase.STOP;
        }
        long before = permits.getAndDecrement();
        if (before <= 0) {
            return Phase.STOP;
        }
        if (before == 1) {
            lastPermitTaken.countDown();
        }
        return Phase.MEASURED;
    }

    private void ended(Exchange exchange, Throwable failure) {
        if (failure != null) {
            ledger.failed(exchange, failure, System.nanoTime());
        }
    }

    private static Throwable failureOf(CompletableFuture<?> done) {
        return switch (done.state()) {
            case SUCCESS -> null;
            case FAILED -> done.exceptionNow();
            case CANCELLED, RUNNING -> new CancellationException("request cancelled");
        };
    }
}
