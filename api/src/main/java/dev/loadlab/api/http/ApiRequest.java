package dev.loadlab.api.http;

import dev.loadlab.api.lane.Lane;
import dev.loadlab.api.work.WorkRequest;
import io.undertow.server.HttpServerExchange;

/**
 * A validated request for work, handed by {@link WorkHandler} to the {@link ConcurrencyModel}: its
 * exchange, its lane, what it asks for, and the server it arrived at.
 */
public record ApiRequest(HttpServerExchange exchange, Lane lane, WorkRequest work, ServerState server) {
}
