package dev.loadlab.client.record;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Everything one run counts: the five latency histograms and the per-cause counters.
 *
 * <p><b>Threads.</b> The {@code record*} and {@code count*} methods are called by any
 * thread: the connections' threads (the jdk transport's virtual threads, the netty transport's
 * event loops) and the watchdog (the driving thread, or an event loop on the netty transport).
 * They are wait-free ({@link Recorder} writers and {@link LongAdder}s), apart from the first
 * answer of a new {@code X-Backend} name or error code, which adds a map entry. {@link #swapInterval} is called by one thread at a time, the
 * interval sampler; HdrHistogram's writer-reader phaser guarantees that each recorded
 * value lands in exactly one interval histogram, so summing intervals loses nothing.
 *
 * <p>Values are microseconds, tracked from 1 µs to one hour with 3 significant digits;
 * larger values are recorded as one hour rather than dropped.
 */
public final class RunRecorder {
    /** Highest latency tracked, in microseconds. */
    public static final long HIGHEST_TRACKABLE_MICROS = TimeUnit.HOURS.toMicros(1);
    /** Value precision of every histogram. */
    public static final int SIGNIFICANT_DIGITS = 3;

    private final EnumMap<HistogramKind, Recorder> recorders = new EnumMap<>(HistogramKind.class);
    private final LongAdder sent = new LongAdder();
    private final LongAdder successful = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> errorCodes = new ConcurrentHashMap<>();
    /** Answers by HTTP status, indexed by it (HttpClient accepts three digits): no boxing per answer. */
    private final LongAdder[] statusCounts = new LongAdder[1000];
    private final ConcurrentHashMap<String, LongAdder> backends = new ConcurrentHashMap<>();

    public RunRecorder() {
        for (HistogramKind kind : HistogramKind.values()) {
            recorders.put(kind, new Recorder(HIGHEST_TRACKABLE_MICROS, SIGNIFICANT_DIGITS));
        }
        Arrays.setAll(statusCounts, status -> new LongAdder());
    }

    /** A new, empty histogram with the same range and precision as the recorded ones. */
    public static Histogram newHistogram() {
        return new Histogram(HIGHEST_TRACKABLE_MICROS, SIGNIFICANT_DIGITS);
    }

    /** Counts one measured request handed to its connection. */
    public void countSent() {
        sent.increment();
    }

    /**
     * Records an HTTP answer, whatever its status.
     *
     * @param queuedMicros  the server's {@code queued_ms}, or -1 when absent
     * @param serviceMicros the server's {@code service_ms}, or -1 when absent
     * @param errorCode     the {@code error} code of an error body, or null
     * @param backend       the {@code X-Backend} header, or null
     */
    public void recordAnswer(long intendedNanos, long sentNanos, long answeredNanos, int statusCode,
                             long queuedMicros, long serviceMicros, String errorCode, String backend,
                             long bodyBytes) {
        recordTimes(intendedNanos, sentNanos, answeredNanos);
        if (queuedMicros >= 0) {
            record(HistogramKind.SERVER_QUEUED, queuedMicros);
        }
        if (serviceMicros >= 0) {
            record(HistogramKind.SERVER_SERVICE, serviceMicros);
        }
        bytesReceived.add(bodyBytes);
        statusCounts[Math.clamp(statusCode, 0, statusCounts.length - 1)].increment();
        if (backend != null) {
            backends.computeIfAbsent(backend, name -> new LongAdder()).increment();
        }
        if (statusCode >= 200 && statusCode < 300) {
            successful.increment();
            return;
        }
        failed.increment();
        failures.computeIfAbsent(FailureCause.ofStatus(statusCode), key -> new LongAdder()).increment();
        if (errorCode != null) {
            errorCodes.computeIfAbsent(statusCode + " " + errorCode, key -> new LongAdder()).increment();
        }
    }

    /**
     * Records a request that ended without an answer. A {@link FailureCause#TIMEOUT} enters the
     * latency histograms at the time it was given up (about {@code --timeout} after sending),
     * so a stall is never absent from the percentiles; other failures have no latency.
     */
    public void recordFailure(long intendedNanos, long sentNanos, long failedNanos, String cause) {
        if (FailureCause.TIMEOUT.equals(cause)) {
            recordTimes(intendedNanos, sentNanos, failedNanos);
        }
        failed.increment();
        failures.computeIfAbsent(cause, key -> new LongAdder()).increment();
    }

    /**
     * Moves the values recorded since the last call into a fresh interval histogram.
     * Called by one thread at a time.
     *
     * @param recycle a histogram this method returned earlier for the same kind, or null
     */
    public Histogram swapInterval(HistogramKind kind, Histogram recycle) {
        return recorders.get(kind).getIntervalHistogram(recycle);
    }

    /** A snapshot of the counters; exact once no request is in flight. */
    public Counts counts() {
        return new Counts(sent.sum(), successful.sum(), failed.sum(), bytesReceived.sum(),
                snapshot(failures), snapshot(errorCodes), snapshotByStatus(), snapshot(backends));
    }

    private void recordTimes(long intendedNanos, long sentNanos, long doneNanos) {
        record(HistogramKind.LATENCY, (doneNanos - intendedNanos) / 1_000);
        record(HistogramKind.LATENCY_UNCORRECTED, (doneNanos - sentNanos) / 1_000);
        record(HistogramKind.DISPATCH_LAG, (sentNanos - intendedNanos) / 1_000);
    }

    private void record(HistogramKind kind, long micros) {
        recorders.get(kind).recordValue(Math.min(Math.max(micros, 0), HIGHEST_TRACKABLE_MICROS));
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> adders) {
        Map<String, Long> copy = new TreeMap<>();
        adders.forEach((key, adder) -> copy.put(key, adder.sum()));
        return copy;
    }

    private Map<String, Long> snapshotByStatus() {
        Map<String, Long> copy = new TreeMap<>();
        for (int status = 0; status < statusCounts.length; status++) {
            long answers = statusCounts[status].sum();
            if (answers > 0) {
                copy.put(Integer.toString(status), answers);
            }
        }
        return copy;
    }

    /**
     * The counters of a run. {@code sent == successful + failed} once nothing is in flight.
     *
     * @param failures     failed requests by cause ({@code status_503}, {@code timeout}...)
     * @param errorCodes   error answers by status and body code ({@code "503 queue_full"})
     * @param statusCounts every answer by HTTP status, 2xx included
     * @param backends     answers by {@code X-Backend} header
     */
    public record Counts(long sent, long successful, long failed, long bytesReceived,
                         Map<String, Long> failures, Map<String, Long> errorCodes,
                         Map<String, Long> statusCounts, Map<String, Long> backends) {
        public long completed() {
            return successful + failed;
        }
    }
}
