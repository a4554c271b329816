package dev.loadlab.api.http;

import dev.loadlab.api.error.ApiError;
import dev.loadlab.api.error.ApiException;
import dev.loadlab.api.lane.Lane;
import dev.loadlab.api.work.WorkParameters;
import dev.loadlab.api.work.WorkRequest;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;

/**
 * Takes a work request from arrival to the model: refuses it while draining, reads the body with the
 * non-blocking receiver (at most {@link #MAX_BODY_BYTES}), validates the parameters, and hands it to
 * the {@link ConcurrencyModel}. Runs on I/O threads and never blocks.
 */
final class WorkHandler {
    static final int MAX_BODY_BYTES = 64 * 1024;

    private final ApiServer.ServerState state;
    private final WorkParameters parameters;
    private final ConcurrencyModel model;

    WorkHandler(ApiServer.ServerState state, WorkParameters parameters, ConcurrencyModel model) {
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
        if (declaredBytes > MAX_BODY_BYTES) {
            tooLarge(exchange);
        } else if (declaredBytes == 0 || (declaredBytes < 0 && !exchange.getRequestHeaders().contains(Headers.TRANSFER_ENCODING))) {
            process(exchange, lane, null);
        } else {
            var receiver = exchange.getRequestReceiver();
            receiver.setMaxBufferSize(MAX_BODY_BYTES);
            receiver.receiveFullBytes((received, body) -> process(received, lane, body), this::bodyFailed);
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
        model.process(new ApiRequest(exchange, lane, work, state.identity()));
    }

    private void bodyFailed(HttpServerExchange exchange, IOException failure) {
        if (Responses.isBodyTooLarge(failure)) {
            tooLarge(exchange);
        } else if (!exchange.isResponseStarted()) {
            exchange.setPersistent(false);
            Responses.error(exchange, ApiError.BAD_JSON, "the body could not be read: " + failure.getMessage());
        }
    }

    /** Answers 413 and closes the connection: the rest of the body is not read. */
    private static void tooLarge(HttpServerExchange exchange) {
        exchange.setPersistent(false);
        Responses.error(exchange, ApiError.BODY_TOO_LARGE, "the body is larger than " + MAX_BODY_BYTES
                + " bytes; the work parameters fit in a few dozen");
    }
}
