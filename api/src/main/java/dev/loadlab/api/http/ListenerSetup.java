package dev.loadlab.api.http;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.DefaultByteBufferPool;
import org.xnio.Options;

/**
 * How every loadlab listener is set up, the servers' and the balancer's, so that what they are
 * compared on is the same: the buffer pool, the backlog, Nagle off, no Date header.
 */
public final class ListenerSetup {
    /** Listen backlog: a burst of 10,000 connections must queue, not be refused. */
    private static final int BACKLOG = 16_384;
    /** A buffer's size: Undertow's own default, 16 KiB less 20 bytes left for protocol headers. */
    private static final int BUFFER_BYTES = 16 * 1024 - 20;
    private static final int POOLED_BUFFERS = 4096;

    private ListenerSetup() {
    }

    /**
     * A pool of direct buffers shared by all threads, with no per-thread cache. Undertow's default
     * caches buffers per thread; with a virtual thread per request every request would allocate
     * and zero a fresh 16 KiB buffer (the measured trap in DESIGN.md). All models and the balancer
     * use this pool, so the pool is not what the comparison measures.
     */
    public static DefaultByteBufferPool sharedBufferPool() {
        return new DefaultByteBufferPool(true, BUFFER_BYTES, POOLED_BUFFERS, 0);
    }

    /**
     * An Undertow builder with one HTTP listener on {@code host:port}, {@code ioThreads} event loops,
     * {@code buffers}, and one worker thread: every model runs work on threads of its own, and the
     * balancer never blocks.
     */
    public static Undertow.Builder builder(String host, int port, int ioThreads, DefaultByteBufferPool buffers) {
        return Undertow.builder()
                .addHttpListener(port, host)
                .setIoThreads(ioThreads)
                .setWorkerThreads(1)
                .setByteBufferPool(buffers)
                .setSocketOption(Options.BACKLOG, BACKLOG)
                .setSocketOption(Options.TCP_NODELAY, true)
                .setServerOption(UndertowOptions.ALWAYS_SET_DATE, false);
    }
}
