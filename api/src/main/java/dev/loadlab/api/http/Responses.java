package dev.loadlab.api.http;

import dev.loadlab.api.error.ApiError;
import dev.loadlab.api.json.Json;
import io.undertow.io.Receiver;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes answers with Undertow's non-blocking sender, so that any thread that owns the exchange may
 * answer without blocking: an I/O thread, a platform worker or a virtual thread.
 */
public final class Responses {
    public static final String JSON = "application/json";
    public static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";
    /** Seconds a client should wait before retrying after {@code queue_full}. */
    static final String RETRY_AFTER_SECONDS = "1";

    private Responses() {
    }

    public static void json(HttpServerExchange exchange, int status, String body) {
        send(exchange, status, JSON, body);
    }

    /**
     * Answers JSON made of three parts sent as one body, in order, without copying them into one:
     * {@code head}, {@code middle} (a slice of a shared read-only buffer, say) and {@code tail}.
     * Content-Length is their total.
     */
    public static void json(HttpServerExchange exchange, int status, String head, ByteBuffer middle, String tail) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, JSON);
        ByteBuffer first = ByteBuffer.wrap(head.getBytes(StandardCharsets.UTF_8));
        ByteBuffer last = ByteBuffer.wrap(tail.getBytes(StandardCharsets.UTF_8));
        exchange.setResponseContentLength((long) first.remaining() + middle.remaining() + last.remaining());
        exchange.getResponseSender().send(new ByteBuffer[] {first, middle, last});
    }

    public static void send(HttpServerExchange exchange, int status, String contentType, String body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        exchange.getResponseSender().send(body);
    }

    /**
     * Whether a failure reading a request body means the body was over its limit: Undertow's
     * receiver and its request channel each report that with an exception of their own.
     */
    public static boolean isBodyTooLarge(Throwable failure) {
        return failure instanceof Receiver.RequestToLargeException || failure instanceof RequestTooBigException;
    }

    /** The JSON error body of the contract; {@code queue_full} also carries {@code Retry-After}. */
    public static void error(HttpServerExchange exchange, ApiError error, String message) {
        if (error == ApiError.QUEUE_FULL) {
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        json(exchange, error.status(), Json.error(error.code(), message));
    }
}
