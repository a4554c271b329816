package dev.loadlab.benchmarks;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.DefaultByteBufferPool;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The buffer-pool trap, without HTTP: a request's buffer taken and returned on a thread that lives
 * for that one request, as every request on the virtual-thread server does.
 *
 * <p>Why: Undertow's default pool ({@code new DefaultByteBufferPool(direct, size, -1, 4)}, what
 * {@code Undertow.builder()} builds when given none) keeps freed buffers in a per-thread cache and
 * has no shared queue. A thread that dies takes its cache with it, so each new virtual thread
 * allocates and zeroes a fresh 16 KiB direct buffer, which only a GC gives back. The servers'
 * pool ({@code new DefaultByteBufferPool(true, 16364, 1024, 0)}) has no per-thread cache and a
 * shared queue, so a new thread takes a buffer that is already there. If this benchmark shows the
 * two at the same cost, the fix no longer matters; {@code wrk-compare.sh}'s bare virtual vs
 * virtual-default-pool targets show the same over HTTP.
 *
 * <p>One op: start a virtual thread that takes one buffer, writes a byte into it and returns it;
 * wait for the thread. Starting and joining the thread costs the same for both pools, so the
 * difference between the two rows is the pool's.
 *
 * <p>Run (about 1 minute):
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar ByteBufferPoolBenchmark
 * </pre>
 * Read {@code us/op} per {@code pool}; {@code -prof gc} adds the allocation rate, where the
 * default pool's direct buffers show up as garbage collections.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class ByteBufferPoolBenchmark {
    private static final int BUFFER_BYTES = 16 * 1024 - 20;

    /** {@code shared}: the servers' pool; {@code undertow-default}: what Undertow builds by itself. */
    @Param({"shared", "undertow-default"})
    public String pool;

    /**
     * Not closed after the run: each parameter runs in a JVM of its own, and closing the default
     * pool walks the per-thread data of every thread that ever used it (one entry per virtual
     * thread here, millions), which takes minutes. That list is one more cost of the trap.
     */
    private ByteBufferPool buffers;

    @Setup
    public void createPool() {
        buffers = switch (pool) {
            case "shared" -> new DefaultByteBufferPool(true, BUFFER_BYTES, 1024, 0);
            case "undertow-default" -> new DefaultByteBufferPool(true, BUFFER_BYTES, -1, 4);
            default -> throw new IllegalArgumentException("pool must be shared or undertow-default, got " + pool);
        };
    }

    @Benchmark
    public void bufferOnFreshVirtualThread() throws InterruptedException {
        Thread.ofVirtual().start(() -> {
            try (PooledByteBuffer pooled = buffers.allocate()) {
                // A store to native memory: the JIT cannot remove it, so no Blackhole is needed
                // (and a Blackhole belongs to the benchmark thread, not to this one).
                pooled.getBuffer().put(0, (byte) 1);
            }
        }).join();
    }
}
