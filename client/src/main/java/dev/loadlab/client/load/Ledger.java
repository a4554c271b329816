package dev.loadlab.client.load;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.loadlab.client.record.FailureCause;
import dev.loadlab.client.record.ResponseFields;
import dev.loadlab.client.record.RunRecorder;

/**
 * Makes sure every measured request is counted exactly once.
 *
 * <p>A measured exchange enters the in-flight set before it is handed to the HTTP client and
 * leaves it only after its outcome is fully recorded. Its outcome is recorded by whichever
 * of three paths settles it first ({@link Exchange#trySettle}): the answer, the failure, or
 * the end-of-run sweep that turns what is still in flight into timeouts. Hence, once the
 * set is empty, {@code sent == successful + failed} and every value is in the recorders.
 * Warm-up exchanges are neither tracked nor recorded.
 *
 * <p><b>Threads.</b> {@link #dispatched} is called by dispatching threads, {@link #answered}
 * by the HTTP client's selector thread, {@link #failed} by completion threads; the
 * {@code await} and {@code sweep} methods by the thread that drives the run.
 */
final class Ledger {
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final RunRecorder recorder;
    private final Set<Exchange> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicLong lastSettledNanos = new AtomicLong(Long.MIN_VALUE);

    Ledger(RunRecorder recorder) {
        this.recorder = recorder;
    }

    /** Called just before the exchange is handed to the HTTP client. */
    void dispatched(Exchange exchange) {
        if (exchange.measured) {
            recorder.countSent();
            inFlight.add(exchange);
        }
    }

    /** The whole answer has arrived. */
    void answered(Exchange exchange, long answeredNanos) {
        if (!exchange.measured || !exchange.trySettle()) {
            return;
        }
        int status = exchange.statusCode();
        byte[] head = exchange.head();
        int length = exchange.headLength();
        boolean success = status >= 200 && status < 300;
        recorder.recordAnswer(exchange.intendedNanos, exchange.sentNanos, answeredNanos, status,
                success ? ResponseFields.queuedMicros(head, length) : -1,
                success ? ResponseFields.serviceMicros(head, length) : -1,
                success ? null : ResponseFields.errorCode(head, length),
                exchange.backend(), exchange.bodyBytes());
        settled(exchange, answeredNanos);
    }

    /** The exchange ended without a complete answer. */
    void failed(Exchange exchange, Throwable failure, long failedNanos) {
        if (!exchange.measured || !exchange.trySettle()) {
            return;
        }
        recorder.recordFailure(exchange.intendedNanos, exchange.sentNanos, failedNanos, FailureCause.of(failure));
        settled(exchange, failedNanos);
    }

    /** Waits until nothing measured is in flight, or until the deadline; true if nothing is. */
    boolean awaitSettled(long deadlineNanos) {
        while (!inFlight.isEmpty()) {
            long now = System.nanoTime();
            if (now >= deadlineNanos) {
                return false;
            }
            LockSupport.parkNanos(Math.min(POLL_NANOS, deadlineNanos - now));
        }
        return true;
    }

    /**
     * Counts every measured exchange still in flight as a timeout at {@code nowNanos} and
     * aborts it. Returns how many it counted. On return nothing measured is in flight.
     */
    long sweepAsTimeouts(long nowNanos) {
        long swept = 0;
        for (Exchange exchange : inFlight) {
            if (exchange.trySettle()) {
                recorder.recordFailure(exchange.intendedNanos, exchange.sentNanos, nowNanos, FailureCause.TIMEOUT);
                settled(exchange, nowNanos);
                exchange.abort();
                swept++;
            }
        }
        // Exchanges settled by a racing answer leave the set as soon as they are recorded.
        while (!inFlight.isEmpty()) {
            Thread.onSpinWait();
        }
        return swept;
    }

    /** When the last measured exchange was settled, or {@code Long.MIN_VALUE} if none was. */
    long lastSettledNanos() {
        return lastSettledNanos.get();
    }

    private void settled(Exchange exchange, long nanos) {
        lastSettledNanos.accumulateAndGet(nanos, Math::max);
        inFlight.remove(exchange); // last: an empty set means everything is recorded
    }
}
