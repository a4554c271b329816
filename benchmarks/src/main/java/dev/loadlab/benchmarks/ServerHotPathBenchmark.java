package dev.loadlab.benchmarks;

import dev.loadlab.api.error.ApiError;
import dev.loadlab.api.json.Json;
import dev.loadlab.api.work.WorkParameters;
import dev.loadlab.api.work.WorkRequest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The servers' own per-request work outside the lane: reading the work parameters, and writing
 * the JSON answer, as the {@code api} module does for all three servers.
 *
 * <p>Why: every request to every server is parsed by {@link WorkParameters} on its I/O thread
 * and answered with a JSON body built without a tree. At io_ms=0 that is most of what a server
 * does besides HTTP; if it costs a microsecond, at 100,000 req/s it is 10% of a core.
 *
 * <ul>
 *   <li>{@link #parseQuery}: {@code io_ms=10&cpu_ms=1&id=req-42}, the client's usual request.</li>
 *   <li>{@link #parseBody}: the same as a JSON body (Jackson's streaming parser with duplicate
 *       detection, as the servers configure it).</li>
 *   <li>{@link #answerBody}: the 200 body, appended field by field with {@link Json} as the
 *       servers' {@code ExchangeWaiter} appends it, and encoded to UTF-8 as Undertow's sender
 *       encodes a string.</li>
 *   <li>{@link #errorBody}: a {@code queue_full} answer's body, what an overloaded server writes
 *       most.</li>
 * </ul>
 *
 * <p>Run (about 25 s):
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar ServerHotPathBenchmark
 * </pre>
 * Read {@code ns/op}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ServerHotPathBenchmark {
    private static final String QUERY = "io_ms=10&cpu_ms=1&id=req-42";
    private static final byte[] BODY = "{\"io_ms\":10,\"cpu_ms\":1,\"id\":\"req-42\"}".getBytes(StandardCharsets.UTF_8);
    private static final long QUEUED_NANOS = 12_345;
    private static final long SERVICE_NANOS = 10_345_678;

    private final WorkParameters parameters = new WorkParameters(0, 0);

    @Benchmark
    public WorkRequest parseQuery() {
        return parameters.parse(QUERY, null);
    }

    @Benchmark
    public WorkRequest parseBody() {
        return parameters.parse(null, BODY);
    }

    @Benchmark
    public byte[] answerBody() {
        StringBuilder body = new StringBuilder(192);
        body.append("{\"id\":");
        Json.appendString(body, "req-42");
        body.append(",\"model\":");
        Json.appendString(body, "async");
        body.append(",\"instance\":");
        Json.appendString(body, "async-1");
        body.append(",\"discipline\":\"").append("fifo");
        body.append("\",\"queued_ms\":");
        Json.appendMillis(body, QUEUED_NANOS);
        body.append(",\"service_ms\":");
        Json.appendMillis(body, SERVICE_NANOS);
        body.append(",\"queue_depth\":").append(3);
        body.append('}');
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public byte[] errorBody() {
        return Json.error(ApiError.QUEUE_FULL.code(), "the fifo lane is full: 64 in service and 1000 waiting; retry later")
                .getBytes(StandardCharsets.UTF_8);
    }
}
