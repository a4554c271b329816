package dev.loadlab.client.load;

import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongBinaryOperator;

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
 * Warm-up requests ({@link #WARMUP}) go through the same calls into a recorder of their own,
 * which nothing reads: the run's counts and histograms hold measured requests only.
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
    /** The phase of a measured request. */
    public static final int MEASURED = 0;
    /** The phase of a warm-up request: recorded like the others, into a recorder that is then dropped. */
    public static final int WARMUP = 1;

    /**
     * One operator for both phases' accumulators: two {@code Math::max} would be two lambda
     * classes, and the switch from the warm-up's to the measured one's deoptimised the compiled
     * answer path at the measured start (a class check in {@link LongAccumulator#accumulate}).
     */
    private static final LongBinaryOperator MAX = Math::max;

    /** By phase: warm-up requests take the same code as measured ones, so the JIT compiles it during the warm-up. */
    private final RunRecorder[] recorders;
    private final long timeoutNanos;
    private final LongAdder[] swept = {new LongAdder(), new LongAdder()};
    private final LongAccumulator[] lastSettledNanos = {
        new LongAccumulator(MAX, Long.MIN_VALUE), new LongAccumulator(MAX, Long.MIN_VALUE)};

    public Ledger(RunRecorder recorder, long timeoutNanos) {
        this.recorders = new RunRecorder[] {recorder, new RunRecorder()};
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * The phase of a request that leaves {@code nanosAfterMeasuredStart} after the measured start
     * (negative: before it): {@link #WARMUP} or {@link #MEASURED}. Arithmetic, not a branch: the
     * JIT cannot have compiled the measured phase's code away during the warm-up.
     */
    public static int phase(long nanosAfterMeasuredStart) {
        return (int) (nanosAfterMeasuredStart >>> 63);
    }

    /**
     * The warm-up's recorder, which nothing reports: the run samples its intervals during the
     * warm-up (and drops them) so that the recording code sees fresh histograms every second
     * before the measured phase does.
     */
    public RunRecorder warmupRecorder() {
        return recorders[WARMUP];
    }

    /** {@code --timeout} in nanoseconds. */
    public long timeoutNanos() {
        return timeoutNanos;
    }

    /** Whether a request sent at {@code sentNanos} and still unanswered at {@code nowNanos} is overdue. */
    public boolean overdue(long sentNanos, long nowNanos) {
        return nowNanos - sentNanos >= timeoutNanos;
    }

    /** Called just before a request is handed to the connection. */
    public void countSent(int phase) {
        recorders[phase].countSent();
    }

    /**
     * The whole answer to a request has arrived at {@code answeredNanos}; the caller has settled
     * it. The head of its body ({@code head[0..headLength)}, at most {@link #SCAN_LIMIT_BYTES})
     * is scanned for {@code queued_ms}, {@code service_ms} or the error code.
     */
    public void answered(int phase, long intendedNanos, long sentNanos, long answeredNanos, int status,
                         byte[] head, int headLength, String backend, long bodyBytes) {
        RunRecorder recorder = recorders[phase];
        if (answeredNanos - sentNanos > timeoutNanos) {
            lastSettledNanos[phase].accumulate(sentNanos + timeoutNanos);
            recorder.recordFailure(intendedNanos, sentNanos, sentNanos + timeoutNanos, FailureCause.TIMEOUT);
            return;
        }
        lastSettledNanos[phase].accumulate(answeredNanos);
        boolean success = status >= 200 && status < 300;
        recorder.recordAnswer(intendedNanos, sentNanos, answeredNanos, status,
                success ? ResponseFields.queuedMicros(head, headLength) : -1,
                success ? ResponseFields.serviceMicros(head, headLength) : -1,
                success ? null : ResponseFields.errorCode(head, headLength),
                backend, bodyBytes);
    }

    /** A request ended at {@code failedNanos} without a complete answer, for {@code cause} (a {@link FailureCause} key). */
    public void failed(int phase, long intendedNanos, long sentNanos, long failedNanos, String cause) {
        lastSettledNanos[phase].accumulate(failedNanos);
        recorders[phase].recordFailure(intendedNanos, sentNanos, failedNanos, cause);
    }

    /** The watchdog gave up on a request not answered {@code --timeout} after it was sent: a timeout at exactly that time. */
    public void sweptTimeout(int phase, long intendedNanos, long sentNanos) {
        long timedOutNanos = sentNanos + timeoutNanos;
        swept[phase].increment();
        lastSettledNanos[phase].accumulate(timedOutNanos);
        recorders[phase].recordFailure(intendedNanos, sentNanos, timedOutNanos, FailureCause.TIMEOUT);
    }

    /** Measured requests the watchdog counted as timeouts. */
    public long swept() {
        return swept[MEASURED].sum();
    }

    /** When the last measured outcome happened, or {@code Long.MIN_VALUE} when there was none. */
    public long lastSettledNanos() {
        return lastSettledNanos[MEASURED].get();
    }
}
