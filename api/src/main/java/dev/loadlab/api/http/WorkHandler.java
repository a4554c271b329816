package dev.loadlab.api.http;

import dev.loadlab.api.error.ApiError;
import dev.loadlab.api.error.ApiException;
import dev.loadlab.api.lane.Lane;
import dev.loadlab.api.work.WorkParameters;
import dev.loadlab.api.work.WorkRequest;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Takes a work request from arrival to the model: refuses it while draining, reads the body with the
 * non-blocking receiver (at most {@link #MAX_BODY_BYTES} kept), validates the parameters, and hands
 * it to the {@link ConcurrencyModel}. Runs on I/O threads and never blocks.
 */
final class WorkHandler {
    static final int MAX_BODY_BYTES = 64 * 1024;
    /**
     * An over-limit body up to this size is read and discarded before the 413, so that the answer
     * is not lost: closing a socket with unread data makes the kernel reset the connection, and
     * the reset can overtake the answer on its way to the client. A larger one is not read.
     */
    static final int MAX_DRAINED_BYTES = 1024 * 1024;

    private final ServerState state;
    private final WorkParameters parameters;
    private final ConcurrencyModel model;

    WorkHandler(ServerState state, WorkParameters parameters, ConcurrencyModel model) {
        this.state = state;
        this.parameters = parameters;
        this.model = model;
    }

    void handle(HttpServerExchange exchange, Lane lane) {
        if (!state.gate().enter()) {
            Responses.error(exchange, ApiError.DRAINING, "the server is shutting down; send the request elsewhere");
            return;
        }
        exchange.addExchangeCompleteListener((finished, next) -> {
            state.gate().exit();
            next.proceed();
        });
        long declaredBytes = exchange.getRequestContentLength();
        if (declaredBytes > MAX_DRAINED_BYTES) {
            tooLarge(exchange, false);
        } else if (declaredBytes == 0 || (declaredBytes < 0 && !exchange.getRequestHeaders().contains(Headers.TRANSFER_ENCODING))) {
            process(exchange, lane, null);
        } else {
            BodyReader body = new BodyReader();
            exchange.getRequestReceiver().receivePartialBytes((received, chunk, last) -> {
                if (body.answered) {
                    return;
                }
                body.add(chunk);
                if (body.bytes > MAX_DRAINED_BYTES) {
                    body.answered = true;
                    tooLarge(received, false);
                } else if (last) {
                    body.answered = true;
                    if (body.bytes > MAX_BODY_BYTES) {
                        tooLarge(received, true);
                    } else {
                        process(received, lane, body.content.toByteArray());
                    }
                }
            }, this::bodyFailed);
        }
    }

    /**
     * A body as it arrives: kept up to {@link #MAX_BODY_BYTES}, only counted beyond, so that an
     * over-limit body can be read to its end and answered on a connection that stays usable.
     * Touched only by the exchange's I/O thread.
     */
    private static final class BodyReader {
        final ByteArrayOutputStream content = new ByteArrayOutputStream();
        long bytes;
        boolean answered;

        void add(byte[] chunk) {
            bytes += chunk.length;
            if (bytes <= MAX_BODY_BYTES) {
                content.writeBytes(chunk);
            }
        }
    }

    private void process(HttpServerExchange exchange, Lane lane, byte[] body) {
        WorkRequest work;
        try {
            work = parameters.parse(exchange.getQueryString(), body);
        } catch (ApiException e) {
            Responses.error(exchange, e.error(), e.getMessage());
            return;
        }
        model.process(new ApiRequest(exchange, lane, work, state));
    }

    private void bodyFailed(HttpServerExchange exchange, IOException failure) {
        if (Responses.isBodyTooLarge(failure)) {
            tooLarge(exchange, false);
        } else if (!exchange.isResponseStarted()) {
            exchange.setPersistent(false);
            Responses.error(exchange, ApiError.BAD_JSON, "the body could not be read: " + failure.getMessage());
        }
    }

    /**
     * Answers 413. A body read to its end leaves the connection usable; otherwise it is closed,
     * the rest of the body unread.
     */
    private static void tooLarge(HttpServerExchange exchange, boolean bodyRead) {
        if (!bodyRead) {
            exchange.setPersistent(false);
        }
        Responses.error(exchange, ApiError.BODY_TOO_LARGE, "the body is larger than " + MAX_BODY_BYTES
                + " bytes; the work parameters fit in a few dozen");
    }
}
