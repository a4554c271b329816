package dev.loadlab.client.load;

import java.util.List;

import dev.loadlab.client.record.FailureCause;
import dev.loadlab.client.record.ResponseFields;
import dev.loadlab.client.record.RunRecorder;

/**
 * Makes sure every measured request is counted exactly once.
 *
 * <p>A {@link Sender} counts a measured request as sent before it hands it to the HTTP
 * client, and records its outcome itself once {@code send} returns: the answer, the failure,
 * or a timeout when the answer ended later than {@code --timeout}. The exception is a request
 * whose answer has not ended by then: {@link #sweepOverdue} (the run's watchdog) settles it as
 * a timeout and has the sender abort it, which makes the sender's {@code send} return. Both
 * settle through {@link Exchange#trySettle}, so exactly one of them records the outcome. The
 * run reads the counts only after every sender has ended, so {@code sent == successful + failed}
 * holds for every snapshot the run reports, with no window in which a request is counted as
 * sent but not yet settled. Warm-up exchanges are neither counted nor recorded.
 *
 * <p>The watchdog is the only timer: the HTTP client gets no request timeout, which would cost
 * it a timer per request (about a tenth of its CPU per request, measured).
 *
 * <p><b>Threads.</b> {@link #countSent}, {@link #answered}, {@link #timedOut} and
 * {@link #failed} are called by the senders (virtual threads); {@link #sweepOverdue} and the
 * getters by the one thread that drives the run.
 */
final class Ledger {
    private final RunRecorder recorder;
    /** Written by the driving thread only. */
    private long swept;
    private long lastSweptNanos = Long.MIN_VALUE;

    Ledger(RunRecorder recorder) {
        this.recorder = recorder;
    }

    /** Called by the sender just before it hands a measured exchange to the HTTP client. */
    void countSent() {
        recorder.countSent();
    }

    /** The whole answer to a measured exchange has arrived; the caller has settled it. */
    void answered(Exchange exchange) {
        int status = exchange.statusCode();
        byte[] head = exchange.head();
        int length = exchange.headLength();
        boolean success = status >= 200 && status < 300;
        recorder.recordAnswer(exchange.intendedNanos, exchange.sentNanos, exchange.answeredNanos(), status,
                success ? ResponseFields.queuedMicros(head, length) : -1,
                success ? ResponseFields.serviceMicros(head, length) : -1,
                success ? null : ResponseFields.errorCode(head, length),
                exchange.backend(), exchange.bodyBytes());
    }

    /** A measured exchange was answered, but later than the timeout; the caller has settled it. */
    void timedOut(Exchange exchange, long timedOutNanos) {
        recorder.recordFailure(exchange.intendedNanos, exchange.sentNanos, timedOutNanos, FailureCause.TIMEOUT);
    }

    /** A measured exchange ended without a complete answer; the caller has settled it. */
    void failed(Exchange exchange, Throwable failure, long failedNanos) {
        recorder.recordFailure(exchange.intendedNanos, exchange.sentNanos, failedNanos, FailureCause.of(failure));
    }

    /**
     * The watchdog: every exchange not yet ended {@code timeoutNanos} after it was sent is
     * counted as a timeout, at exactly that time, and aborted by its sender.
     */
    void sweepOverdue(List<Sender> senders, long nowNanos, long timeoutNanos) {
        for (Sender sender : senders) {
            Exchange exchange = sender.current();
            if (exchange == null || exchange.isSettled() || nowNanos - exchange.sentNanos < timeoutNanos
                    || !exchange.trySettle()) {
                continue;
            }
            if (exchange.measured) {
                long timedOutNanos = exchange.sentNanos + timeoutNanos;
                recorder.recordFailure(exchange.intendedNanos, exchange.sentNanos, timedOutNanos, FailureCause.TIMEOUT);
                swept++;
                lastSweptNanos = Math.max(lastSweptNanos, timedOutNanos);
            }
            sender.abort(exchange);
        }
    }

    /** Measured exchanges the watchdog counted as timeouts. */
    long swept() {
        return swept;
    }

    /** When the watchdog last settled a measured exchange, or {@code Long.MIN_VALUE}. */
    long lastSweptNanos() {
        return lastSweptNanos;
    }
}
