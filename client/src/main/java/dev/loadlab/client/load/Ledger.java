package dev.loadlab.client.load;

import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

import dev.loadlab.client.record.FailureCause;
import dev.loadlab.client.record.ResponseFields;
import dev.loadlab.client.record.RunRecorder;

/**
 * Makes sure every measured request is counted exactly once, and holds the one timeout rule.
 *
 * <p>A transport counts a measured request as sent ({@link #countSent}) before it can be
 * settled, and settles it exactly once: {@link #answered} (which turns an answer that ended more
 * than {@code --timeout} after the send into a timeout, recorded at the timeout: a client with
 * that timeout would not have waited for it), {@link #failed}, or, for a request not answered
 * {@code --timeout} after it left, {@link #sweptTimeout} by the run's watchdog. How a transport
 * makes sure only one of them is called for a request is its own business (the jdk transport
 * races its sender and the watchdog on a compare-and-set; the netty transport settles and
 * sweeps on the connection's event loop). The run reads the counts only after every connection
 * has ended, so {@code sent == successful + failed} holds for every snapshot the run reports.
 * Warm-up requests ({@code measured == false}) are neither counted nor recorded.
 *
 * <p>The watchdog is the only timer: neither transport gets a request timeout, which would cost
 * a timer per request (about a tenth of the jdk transport's CPU per request, measured).
 *
 * <p><b>Threads.</b> Every method is called by any connection's thread (a virtual thread of the
 * jdk transport, an event loop of the netty transport) or the driving thread; all are wait-free
 * ({@link RunRecorder}, adders and accumulators); the getters are read once every connection
 * has ended.
 */
public final class Ledger {
    /** Only the head of a body is kept for the field scan; the rest is counted and dropped. */
    public static final int SCAN_LIMIT_BYTES = 4096;

    private final RunRecorder recorder;
    private final long timeoutNanos;
    private final LongAdder swept = new LongAdder();
    private final LongAccumulator lastSettledNanos = new LongAccumulator(Math::max, Long.MIN_VALUE);

    public Ledger(RunRecorder recorder, long timeoutNanos) {
        this.recorder = recorder;
        this.timeoutNanos = timeoutNanos;
    }

    /** {@code --timeout} in nanoseconds. */
    public long timeoutNanos() {
        return timeoutNanos;
    }

    /** Whether a request sent at {@code sentNanos} and still unanswered at {@code nowNanos} is overdue. */
    public boolean overdue(long sentNanos, long nowNanos) {
        return nowNanos - sentNanos >= timeoutNanos;
    }

    /** Called just before a measured request is handed to the connection. */
    public void countSent() {
        recorder.countSent();
    }

    /**
     * The whole answer to a request has arrived at {@code answeredNanos}; the caller has settled
     * it. The head of its body ({@code head[0..headLength)}, at most {@link #SCAN_LIMIT_BYTES})
     * is scanned for {@code queued_ms}, {@code service_ms} or the error code.
     */
    public void answered(boolean measured, long intendedNanos, long sentNanos, long answeredNanos, int status,
                         byte[] head, int headLength, String backend, long bodyBytes) {
        if (!measured) {
            return;
        }
        if (answeredNanos - sentNanos > timeoutNanos) {
            settledAt(sentNanos + timeoutNanos);
            recorder.recordFailure(intendedNanos, sentNanos, sentNanos + timeoutNanos, FailureCause.TIMEOUT);
            return;
        }
        settledAt(answeredNanos);
        boolean success = status >= 200 && status < 300;
        recorder.recordAnswer(intendedNanos, sentNanos, answeredNanos, status,
                success ? ResponseFields.queuedMicros(head, headLength) : -1,
                success ? ResponseFields.serviceMicros(head, headLength) : -1,
                success ? null : ResponseFields.errorCode(head, headLength),
                backend, bodyBytes);
    }

    /** A request ended at {@code failedNanos} without a complete answer, for {@code cause} (a {@link FailureCause} key). */
    public void failed(boolean measured, long intendedNanos, long sentNanos, long failedNanos, String cause) {
        if (!measured) {
            return;
        }
        settledAt(failedNanos);
        recorder.recordFailure(intendedNanos, sentNanos, failedNanos, cause);
    }

    /** The watchdog gave up on a request not answered {@code --timeout} after it was sent: a timeout at exactly that time. */
    public void sweptTimeout(boolean measured, long intendedNanos, long sentNanos) {
        if (!measured) {
            return;
        }
        long timedOutNanos = sentNanos + timeoutNanos;
        swept.increment();
        settledAt(timedOutNanos);
        recorder.recordFailure(intendedNanos, sentNanos, timedOutNanos, FailureCause.TIMEOUT);
    }

    /** Measured requests the watchdog counted as timeouts. */
    public long swept() {
        return swept.sum();
    }

    /** When the last measured outcome happened, or {@code Long.MIN_VALUE} when there was none. */
    public long lastSettledNanos() {
        return lastSettledNanos.get();
    }

    private void settledAt(long nanos) {
        lastSettledNanos.accumulate(nanos);
    }
}
