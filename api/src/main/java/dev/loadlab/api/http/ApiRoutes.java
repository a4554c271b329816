package dev.loadlab.api.http;

import dev.loadlab.api.error.ApiError;
import dev.loadlab.api.lane.Discipline;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;

/**
 * The contract's routes: the work paths go to the {@link WorkHandler}, the status paths are
 * answered here, anything else is {@code not_found}; a wrong method is {@code method_not_allowed}
 * with {@code Allow}. Runs on I/O threads.
 */
final class ApiRoutes implements HttpHandler {
    static final String PROCESS_FIFO = "/api/process_fifo";
    static final String PROCESS_LIFO = "/api/process_lifo";
    static final String PROCESS_PREFIX = "/api/process/";
    private static final String WORK_METHODS = "GET, POST";
    private static final String STATUS_METHODS = "GET";
    private static final String PATHS = PROCESS_FIFO + ", " + PROCESS_LIFO + ", " + PROCESS_PREFIX
            + "{" + Discipline.wireNames().replace(", ", "|") + "}, /health, /stats, /metrics, /probe";

    private final ServerState state;
    private final WorkHandler work;
    private final StatusPages status;

    ApiRoutes(ServerState state, WorkHandler work) {
        this.state = state;
        this.work = work;
        this.status = new StatusPages(state);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        String path = exchange.getRelativePath();
        switch (path) {
            case PROCESS_FIFO -> work(exchange, Discipline.FIFO);
            case PROCESS_LIFO -> work(exchange, Discipline.LIFO);
            case "/health" -> {
                if (allowed(exchange, STATUS_METHODS)) {
                    status.health(exchange);
                }
            }
            case "/stats" -> {
                if (allowed(exchange, STATUS_METHODS)) {
                    status.stats(exchange);
                }
            }
            case "/metrics" -> {
                if (allowed(exchange, STATUS_METHODS)) {
                    status.metrics(exchange);
                }
            }
            case "/probe" -> {
                if (allowed(exchange, STATUS_METHODS)) {
                    status.probe(exchange);
                }
            }
            default -> {
                if (path.startsWith(PROCESS_PREFIX)) {
                    String name = path.substring(PROCESS_PREFIX.length());
                    Discipline.fromWireName(name).ifPresentOrElse(discipline -> work(exchange, discipline),
                            () -> Responses.error(exchange, ApiError.BAD_PARAMETER, "unknown discipline '"
                                    + name + "'; known: " + Discipline.wireNames()));
                } else {
                    Responses.error(exchange, ApiError.NOT_FOUND, "no such path: " + path + "; the paths are " + PATHS);
                }
            }
        }
    }

    private void work(HttpServerExchange exchange, Discipline discipline) {
        if (allowed(exchange, WORK_METHODS)) {
            work.handle(exchange, state.lanes().lane(discipline));
        }
    }

    private static boolean allowed(HttpServerExchange exchange, String allow) {
        HttpString method = exchange.getRequestMethod();
        boolean ok = method.equals(Methods.GET) || (method.equals(Methods.POST) && allow.equals(WORK_METHODS));
        if (!ok) {
            exchange.getResponseHeaders().put(Headers.ALLOW, allow);
            Responses.error(exchange, ApiError.METHOD_NOT_ALLOWED,
                    "method " + method + " is not allowed on " + exchange.getRelativePath() + "; use " + allow);
        }
        return ok;
    }
}
