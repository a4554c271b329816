package dev.loadlab.balancer.proxy;

import dev.loadlab.api.error.ApiError;
import dev.loadlab.api.http.Responses;
import io.undertow.server.DefaultResponseListener;
import io.undertow.server.HttpServerExchange;

/**
 * Turns the bare error statuses Undertow's proxy handler ends an exchange with into the contract's
 * JSON error bodies: 503 (no backend could take the request), 500 (the backend failed mid-request),
 * 504 (the balancer's time limit). Answers the backends send are passed through untouched: this
 * listener runs only for exchanges that end with no answer started.
 */
final class ErrorAnswers implements DefaultResponseListener {
    static final ErrorAnswers INSTANCE = new ErrorAnswers();

    @Override
    public boolean handleDefaultResponse(HttpServerExchange exchange) {
        if (exchange.isResponseStarted() || exchange.getStatusCode() < 400) {
            return false;
        }
        exchange.getResponseHeaders().remove(BalancerProxyClient.X_BACKEND); // no backend answered
        Throwable failure = exchange.getAttachment(DefaultResponseListener.EXCEPTION);
        if (Responses.isBodyTooLarge(failure)) {
            exchange.setPersistent(false);
            Responses.error(exchange, ApiError.BODY_TOO_LARGE, "the body is larger than the balancer's limit");
            return true;
        }
        switch (exchange.getStatusCode()) {
            case 503 -> Responses.error(exchange, ApiError.NO_BACKEND,
                    "no backend could take the request: every backend is down, ejected, or failed it");
            case 504 -> Responses.error(exchange, ApiError.GATEWAY_TIMEOUT,
                    "the backend did not answer within the balancer's time limit");
            default -> Responses.error(exchange, ApiError.BAD_GATEWAY,
                    "the backend failed while answering the request");
        }
        return true;
    }
}
