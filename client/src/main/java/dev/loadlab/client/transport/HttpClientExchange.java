package dev.loadlab.client.transport;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

import dev.loadlab.client.load.Ledger;

/**
 * One request of the jdk transport from dispatch to its outcome: its intended and actual send
 * times, and the head of its answer body.
 *
 * <p>It is its own body handler and subscriber: the moment the last byte of an answer
 * arrives is taken on the HTTP client's selector thread, before the sending thread is
 * woken, so the wake-up never inflates a measured latency.
 *
 * <p><b>Threads.</b> Its {@link Sender} creates it, sends it and reads it once
 * {@code HttpClient.send} has returned; the HTTP client calls the handler and subscriber
 * methods in sequence; {@link #trySettle} is raced by the sender and by the run's watchdog
 * ({@link JdkTransport}'s sweep), and exactly one of them wins and records the outcome.
 */
final class HttpClientExchange implements HttpResponse.BodyHandler<Void>, HttpResponse.BodySubscriber<Void> {
    private static final int FIRST_BUFFER_BYTES = 256;
    private static final VarHandle SETTLED;

    static {
        try {
            SETTLED = MethodHandles.lookup().findVarHandle(HttpClientExchange.class, "settled", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final long intendedNanos;
    final long sentNanos;
    /** {@link Ledger#MEASURED} or {@link Ledger#WARMUP}. */
    final int phase;
    private final CompletableFuture<Void> bodyDone = new CompletableFuture<>();
    @SuppressWarnings("unused") // accessed through SETTLED
    private volatile int settled;
    /** Set once the answer's headers are in; from then on only the watchdog can end a stalled body. */
    private volatile Flow.Subscription subscription;
    private long answeredNanos;
    private int statusCode;
    private String backend;
    private byte[] head;
    private int headLength;
    private long bodyBytes;

    HttpClientExchange(long intendedNanos, long sentNanos, int phase) {
        this.intendedNanos = intendedNanos;
        this.sentNanos = sentNanos;
        this.phase = phase;
    }

    @Override
    public HttpResponse.BodySubscriber<Void> apply(HttpResponse.ResponseInfo info) {
        statusCode = info.statusCode();
        // The header map is case-insensitive; a map lookup skips firstValue's stream.
        List<String> backends = info.headers().map().get("X-Backend");
        backend = backends == null || backends.isEmpty() ? null : backends.getFirst();
        return this;
    }

    @Override
    public void onSubscribe(Flow.Subscription bodySubscription) {
        this.subscription = bodySubscription;
        bodySubscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        for (ByteBuffer buffer : buffers) {
            int bytes = buffer.remaining();
            bodyBytes += bytes;
            int kept = Math.min(bytes, Ledger.SCAN_LIMIT_BYTES - headLength);
            if (kept > 0) {
                ensureHeadCapacity(headLength + kept);
                buffer.get(head, headLength, kept);
                headLength += kept;
            }
        }
    }

    @Override
    public void onError(Throwable failure) {
        bodyDone.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        answeredNanos = System.nanoTime();
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

    boolean isSettled() {
        return settled != 0;
    }

    /** True once the answer's headers have arrived and its body is being read. */
    boolean readingBody() {
        return subscription != null;
    }

    /**
     * Gives up on a body that does not end: cancels it (the HTTP client then closes the
     * connection) and fails the sender's {@code send}. Called by the watchdog after it
     * settled the exchange, and only once the body is being read.
     */
    void abort() {
        subscription.cancel();
        bodyDone.completeExceptionally(new HttpTimeoutException("answer body not complete within the timeout"));
    }

    /** When the last byte of the answer arrived; valid once {@code send} returned normally. */
    long answeredNanos() {
        return answeredNanos;
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
            head = new byte[Math.min(Ledger.SCAN_LIMIT_BYTES, Math.max(FIRST_BUFFER_BYTES, needed))];
        } else if (needed > head.length) {
            head = Arrays.copyOf(head, Math.min(Ledger.SCAN_LIMIT_BYTES, Math.max(head.length * 2, needed)));
        }
    }
}
