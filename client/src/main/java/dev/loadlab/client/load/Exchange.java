package dev.loadlab.client.load;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * One request from dispatch to its outcome: its intended and actual send times, and the
 * head of its answer body.
 *
 * <p>It is its own body handler and subscriber so that an answer is timed and recorded the
 * moment its last byte arrives, on the HTTP client's selector thread, before the client
 * hands completion to another thread: a thread hop never inflates a measured latency.
 *
 * <p><b>Threads.</b> The dispatching thread creates it; the HTTP client calls the handler
 * and subscriber methods in sequence; {@link #trySettle} is raced by the answer, the failure
 * path and the end-of-run sweep, and exactly one of them wins.
 */
final class Exchange implements HttpResponse.BodyHandler<Void>, HttpResponse.BodySubscriber<Void> {
    /** Only the head of a body is kept for the field scan; the rest is counted and dropped. */
    static final int SCAN_LIMIT_BYTES = 4096;
    private static final int FIRST_BUFFER_BYTES = 256;
    private static final VarHandle SETTLED;

    static {
        try {
            SETTLED = MethodHandles.lookup().findVarHandle(Exchange.class, "settled", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final long intendedNanos;
    final long sentNanos;
    final boolean measured;
    private final Ledger ledger;
    private final CompletableFuture<Void> bodyDone = new CompletableFuture<>();
    @SuppressWarnings("unused") // accessed through SETTLED
    private volatile int settled;
    private volatile CompletableFuture<?> response;
    private int statusCode;
    private String backend;
    private byte[] head;
    private int headLength;
    private long bodyBytes;

    Exchange(long intendedNanos, long sentNanos, boolean measured, Ledger ledger) {
        this.intendedNanos = intendedNanos;
        this.sentNanos = sentNanos;
        this.measured = measured;
        this.ledger = ledger;
    }

    @Override
    public HttpResponse.BodySubscriber<Void> apply(HttpResponse.ResponseInfo info) {
        statusCode = info.statusCode();
        backend = info.headers().firstValue("X-Backend").orElse(null);
        return this;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        for (ByteBuffer buffer : buffers) {
            int bytes = buffer.remaining();
            bodyBytes += bytes;
            int kept = Math.min(bytes, SCAN_LIMIT_BYTES - headLength);
            if (kept > 0) {
                ensureHeadCapacity(headLength + kept);
                buffer.get(head, headLength, kept);
                headLength += kept;
            }
        }
    }

    @Override
    public void onError(Throwable failure) {
        bodyDone.completeExceptionally(failure); // the failure path records it
    }

    @Override
    public void onComplete() {
        ledger.answered(this, System.nanoTime());
        bodyDone.complete(null);
    }

    @Override
    public CompletionStage<Void> getBody() {
        return bodyDone;
    }

    /** True for exactly one caller: the one that records this exchange's outcome. */
    boolean trySettle() {
        return SETTLED.compareAndSet(this, 0, 1);
    }

    /** Remembers the client's future so the end-of-run sweep can abort the exchange. */
    void attach(CompletableFuture<?> responseFuture) {
        this.response = responseFuture;
    }

    void abort() {
        CompletableFuture<?> future = response;
        if (future != null) {
            future.cancel(true);
        }
    }

    int statusCode() {
        return statusCode;
    }

    String backend() {
        return backend;
    }

    byte[] head() {
        return head == null ? new byte[0] : head;
    }

    int headLength() {
        return headLength;
    }

    long bodyBytes() {
        return bodyBytes;
    }

    private void ensureHeadCapacity(int needed) {
        if (head == null) {
            head = new byte[Math.min(SCAN_LIMIT_BYTES, Math.max(FIRST_BUFFER_BYTES, needed))];
        } else if (needed > head.length) {
            head = Arrays.copyOf(head, Math.min(SCAN_LIMIT_BYTES, Math.max(head.length * 2, needed)));
        }
    }
}
