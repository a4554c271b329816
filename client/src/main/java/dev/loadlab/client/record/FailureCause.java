package dev.loadlab.client.record;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Names the cause of a failed request: the key under which it is counted.
 *
 * <p>Keys are part of the result format: {@code status_NNN} for an answer outside 2xx,
 * {@link #TIMEOUT}, {@link #CONNECT_REFUSED}, {@link #CONNECTION_RESET}, {@link #IO_ERROR}
 * and {@link #OTHER_ERROR}.
 */
public final class FailureCause {
    /** The answer not complete {@code --timeout} after the send (connect included). */
    public static final String TIMEOUT = "timeout";
    /** The target refused the TCP connection. */
    public static final String CONNECT_REFUSED = "connect_refused";
    /** The connection was reset, or closed by the peer before a complete answer. */
    public static final String CONNECTION_RESET = "connection_reset";
    /** Any other I/O failure (unreachable network, TLS, malformed answer...). */
    public static final String IO_ERROR = "io_error";
    /** A failure that is not an I/O error; it points at a bug and is shown, never hidden. */
    public static final String OTHER_ERROR = "other_error";

    private static final String STATUS_PREFIX = "status_";

    private FailureCause() {
    }

    /** The key of an answer whose status is not 2xx, e.g. {@code status_503}. */
    public static String ofStatus(int statusCode) {
        return STATUS_PREFIX + statusCode;
    }

    /** Whether a key names an HTTP status rather than a transport failure. */
    public static boolean isStatus(String cause) {
        return cause.startsWith(STATUS_PREFIX);
    }

    /** The key of a request that ended with {@code failure} instead of an answer. */
    public static String of(Throwable failure) {
        Throwable t = unwrap(failure);
        // The HTTP client wraps the socket's exception: the first recognisable link wins.
        for (Throwable link = t; link != null; link = link.getCause()) {
            if (link instanceof HttpTimeoutException) {
                return TIMEOUT;
            }
            if (link instanceof ConnectException) {
                // The HTTP client reports a refused connect as a ConnectException without a message.
                return link.getMessage() == null || mentions(link, "refused") ? CONNECT_REFUSED : IO_ERROR;
            }
            if (link instanceof EOFException || mentions(link, "reset") || mentions(link, "received no bytes")) {
                return CONNECTION_RESET;
            }
        }
        return t instanceof IOException ? IO_ERROR : OTHER_ERROR;
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static boolean mentions(Throwable t, String word) {
        String message = t.getMessage();
        return message != null && message.toLowerCase(Locale.ROOT).contains(word);
    }
}
