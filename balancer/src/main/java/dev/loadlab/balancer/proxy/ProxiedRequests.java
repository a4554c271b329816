package dev.loadlab.balancer.proxy;

import dev.loadlab.api.error.ApiError;
import dev.loadlab.api.http.DrainGate;
import dev.loadlab.api.http.Responses;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.util.List;

/**
 * What the balancer does to every request it forwards, before Undertow's proxy handler: refuses it
 * while draining, refuses a declared body over the limit, removes hop-by-hop headers (RFC 9110
 * 7.6.1) both ways, and turns bare proxy errors into JSON answers. Runs on I/O threads.
 */
public final class ProxiedRequests implements HttpHandler {
    private static final List<HttpString> HOP_BY_HOP = List.of(Headers.CONNECTION, Headers.KEEP_ALIVE,
            Headers.PROXY_AUTHENTICATE, Headers.PROXY_AUTHORIZATION, Headers.TE, Headers.TRAILER,
            Headers.UPGRADE, new HttpString("Proxy-Connection"));

    private final HttpHandler proxy;
    private final DrainGate gate;
    private final long maxBodyBytes;

    public ProxiedRequests(HttpHandler proxy, DrainGate gate, long maxBodyBytes) {
        this.proxy = proxy;
        this.gate = gate;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (!gate.enter()) {
            Responses.error(exchange, ApiError.DRAINING, "the balancer is shutting down; send the request elsewhere");
            return;
        }
        exchange.addExchangeCompleteListener((ended, next) -> {
            gate.exit();
            next.proceed();
        });
        if (exchange.getRequestContentLength() > maxBodyBytes) {
            exchange.setPersistent(false);
            Responses.error(exchange, ApiError.BODY_TOO_LARGE, "the body is larger than the balancer's limit of "
                    + maxBodyBytes + " bytes");
            return;
        }
        if (exchange.getRequestHeaders().contains(Headers.CONNECTION)
                && exchange.getRequestHeaders().getFirst(Headers.CONNECTION).toLowerCase().contains("close")) {
            exchange.setPersistent(false); // the client's wish, before its Connection header goes
        }
        removeHopByHop(exchange.getRequestHeaders());
        exchange.addResponseCommitListener(committing -> removeHopByHop(committing.getResponseHeaders()));
        exchange.addDefaultResponseListener(ErrorAnswers.INSTANCE);
        proxy.handleRequest(exchange);
    }

    /** Removes the fixed hop-by-hop headers and any header the Connection header names. */
    private static void removeHopByHop(HeaderMap headers) {
        String connection = headers.getFirst(Headers.CONNECTION);
        if (connection != null) {
            for (String named : connection.split(",")) {
                String name = named.strip();
                if (!name.isEmpty()) {
                    headers.remove(name);
                }
            }
        }
        for (HttpString name : HOP_BY_HOP) {
            headers.remove(name);
        }
    }
}
