package dev.loadlab.api.http;

import dev.loadlab.api.lane.Lane;
import dev.loadlab.api.work.WorkRequest;
import io.undertow.server.HttpServerExchange;

/** A validated request for work, handed by {@link ApiServer} to the {@link ConcurrencyModel}. */
public record ApiRequest(HttpServerExchange exchange, Lane lane, WorkRequest work, ServerIdentity identity) {
}
