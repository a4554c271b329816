package dev.loadlab.balancer.proxy;

import dev.loadlab.api.error.ApiError;
import dev.loadlab.api.http.DrainGate;
import dev.loadlab.api.http.Responses;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.util.ArrayList;
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
        if (connectionOptions(exchange.getRequestHeaders()).stream().anyMatch(option -> option.equalsIgnoreCase("close"))) {
            exchange.setPersistent(false); // the client's wish, before its Connection header goes
        }
        removeHopByHop(exchange.getRequestHeaders());
        exchange.addResponseCommitListener(committing -> removeHopByHop(committing.getResponseHeaders()));
        exchange.addDefaultResponseListener(ErrorAnswers.INSTANCE);
        proxy.handleRequest(exchange);
    }

    /** Removes the fixed hop-by-hop headers and any header the Connection header names. */
    private static void removeHopByHop(HeaderMap headers) {
        for (String named : connectionOptions(headers)) {
            headers.remove(named);
        }
        for (HttpString name : HOP_BY_HOP) {
            headers.remove(name);
        }
    }

    /**
     * The options of every Connection header line: it is a comma-separated list that may come as
     * several lines (RFC 9110 7.6.1). Names compare without regard to case ({@link HttpString},
     * {@link String#equalsIgnoreCase}), so no locale is involved.
     */
    private static List<String> connectionOptions(HeaderMap headers) {
        HeaderValues lines = headers.get(Headers.CONNECTION);
        if (lines == null) {
            return List.of();
        }
        List<String> options = new ArrayList<>(2);
        for (String line : lines) {
            for (String option : line.split(",")) {
                String name = option.strip();
                if (!name.isEmpty()) {
                    options.add(name);
                }
            }
        }
        return options;
    }
}
