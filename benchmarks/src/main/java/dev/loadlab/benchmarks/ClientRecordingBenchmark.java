package dev.loadlab.benchmarks;

import dev.loadlab.client.load.Ledger;
import dev.loadlab.client.record.RunRecorder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the client pays to record one answer: its {@link Ledger} scanning the body's head for
 * {@code queued_ms} and {@code service_ms}, and its {@link RunRecorder} recording the latency
 * histograms (corrected, uncorrected, dispatch lag, and the server's queued and service times:
 * five HdrHistogram {@code Recorder}s) and the counters.
 *
 * <p>Why: the client records every answer on its event loop, between reading one answer and
 * sending the next request. At 100,000 answers/s (wrk-compare's fastest server) 1 µs of recording
 * is 10% of a core that the client does not spend sending: a client that measures itself must
 * know its own cost.
 *
 * <ul>
 *   <li>{@link #ledgerAnswered}: the whole per-answer accounting, scan included, as the netty
 *       transport calls it.</li>
 *   <li>{@link #recorderOnly}: {@code RunRecorder.recordAnswer} with the fields already parsed:
 *       the difference to the first is the scan.</li>
 * </ul>
 * The body is a real answer of the servers'; the latencies vary over about 1,000 histogram buckets
 * so that the recording touches memory as a run does.
 *
 * <p>Run (about 15 s):
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar ClientRecordingBenchmark
 * </pre>
 * Read {@code ns/op}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ClientRecordingBenchmark {
    static final byte[] ANSWER = ("{\"id\":null,\"model\":\"async\",\"instance\":\"async-1\",\"discipline\":\"fifo\","
            + "\"queued_ms\":0.012,\"service_ms\":10.345,\"queue_depth\":0}").getBytes(StandardCharsets.US_ASCII);
    private static final String BACKEND = "async-1";
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private Ledger ledger;
    private RunRecorder recorder;
    private long sequence;

    @Setup
    public void create() {
        ledger = new Ledger(new RunRecorder(), TIMEOUT_NANOS);
        recorder = new RunRecorder();
    }

    @Benchmark
    public void ledgerAnswered() {
        long latencyNanos = nextLatencyNanos();
        ledger.answered(Ledger.MEASURED, 0, 20_000, latencyNanos, 200, ANSWER, ANSWER.length, BACKEND, ANSWER.length);
    }

    @Benchmark
    public void recorderOnly() {
        long latencyNanos = nextLatencyNanos();
        recorder.recordAnswer(0, 20_000, latencyNanos, 200, 12, latencyNanos / 1_000 - 30, null, BACKEND,
                ANSWER.length);
    }

    /** 100 µs to about 1.1 ms, in 1 µs steps. */
    private long nextLatencyNanos() {
        return 100_000 + (sequence++ & 1023) * 1_000;
    }
}
