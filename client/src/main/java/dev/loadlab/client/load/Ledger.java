package dev.loadlab.client.load;

import java.util.List;

import dev.loadlab.client.record.FailureCause;
import dev.loadlab.client.record.ResponseFields;
import dev.loadlab.client.record.RunRecorder;

/**
 * Makes sure every measured request is counted exactly once.
 *
 * <p>A {@link Sender} counts a measured request as sent before it hands it to the HTTP
 * client, and records its outcome itself once {@code send} returns: the answer or the
 * failure. The one exception is an answer whose body does not end: {@link #sweepOverdue}
 * (the run's watchdog) settles it as a timeout and aborts it, which makes the sender's
 * {@code send} return. Both settle through {@link Exchange#trySettle}, so
 * exactly one of them records the outcome. The run reads the counts only after every sender has ended, so
 * {@code sent == successful + failed} holds for every snapshot the run reports, with no
 * window in which a request is counted as sent but not yet settled.
 * Warm-up exchanges are neither counted nor recorded.
 *
 * <p><b>Threads.</b> {@link #countSent}, {@link #answered} and {@link #failed} are called by
 * the senders (virtual threads); {@link #sweepOverdue} and the getters by the one thread
 * that drives the run.
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

    /** A measured exchange ended without a complete answer; the caller has settled it. */
    void failed(Exchange exchange, Throwable failure, long failedNanos) {
        recorder.recordFailure(exchange.intendedNanos, exchange.sentNanos, failedNanos, FailureCause.of(failure));
    }

    /**
     * The watchdog: every exchange whose answer body is still being read {@code overdueNanos}
     * after it was sent is counted as a timeout at {@code nowNanos} and aborted. (Before its
     * headers arrive, the HTTP client's own request timeout ends an exchange.)
     */
    void sweepOverdue(List<Sender> senders, long nowNanos, long overdueNanos) {
        for (Sender sender : senders) {
            Exchange exchange = sender.current();
            if (exchange == null || exchange.isSettled() || !exchange.readingBody()
                    || nowNanos - exchange.sentNanos < overdueNanos || !exchange.trySettle()) {
                continue;
            }
            if (exchange.measured) {
                recorder.recordFailure(exchange.intendedNanos, exchange.sentNanos, nowNanos, FailureCause.TIMEOUT);
                swept++;
                lastSweptNanos = nowNanos;
            }
            exchange.abort();
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
