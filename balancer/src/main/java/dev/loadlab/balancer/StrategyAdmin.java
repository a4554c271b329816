package dev.loadlab.balancer;

import dev.loadlab.api.error.ApiError;
import dev.loadlab.api.http.DrainGate;
import dev.loadlab.api.http.Responses;
import dev.loadlab.api.json.JsonPage;
import dev.loadlab.balancer.backend.Backends;
import dev.loadlab.balancer.strategy.StrategyName;
import dev.loadlab.balancer.strategy.StrategySwitch;
import io.undertow.server.HttpServerExchange;
import java.util.Deque;
import java.util.Map;

/**
 * {@code POST /admin/strategy?name=NAME}: the balancer goes on with a new instance of strategy
 * NAME, and every backend forgets what the last strategy's answers taught the balancer (ejections,
 * failures in a row, latency averages), so that the next requests meet the balancer as a fresh
 * start would, less its start-up and JIT compilation. Only while no request is in flight or
 * queued (else 409 {@code busy}): no request is routed partly by one strategy and counted by
 * the next. Health checks, connections to the backends and the counters of {@code /stats} go on.
 *
 * <p>Runs on an I/O thread; a request arriving during the switch is routed by either strategy.
 */
final class StrategyAdmin {
    static final String PATH = "/admin/strategy";

    private final StrategySwitch strategies;
    private final Backends backends;
    private final DrainGate gate;

    StrategyAdmin(StrategySwitch strategies, Backends backends, DrainGate gate) {
        this.strategies = strategies;
        this.backends = backends;
        this.gate = gate;
    }

    void handle(HttpServerExchange exchange) {
        Map<String, Deque<String>> query = exchange.getQueryParameters();
        for (String parameter : query.keySet()) {
            if (!parameter.equals("name")) {
                Responses.error(exchange, ApiError.BAD_PARAMETER, "unknown parameter '" + parameter + "' on " + PATH
                        + "; it takes name");
                return;
            }
        }
        Deque<String> names = query.get("name");
        if (names == null || names.size() != 1) {
            Responses.error(exchange, ApiError.BAD_PARAMETER, "name must be given once, one of " + StrategyName.wireNames());
            return;
        }
        String wanted = names.getFirst();
        StrategyName name = StrategyName.fromWireName(wanted).orElse(null);
        if (name == null) {
            Responses.error(exchange, ApiError.BAD_PARAMETER, "name must be one of " + StrategyName.wireNames()
                    + ", got '" + wanted + "'");
            return;
        }
        if (gate.draining()) {
            Responses.error(exchange, ApiError.DRAINING, "the balancer is shutting down");
            return;
        }
        int active = gate.active();
        if (active > 0 || !backends.idle()) {
            Responses.error(exchange, ApiError.BUSY, active + " requests are in flight or queued; the strategy is"
                    + " switched only when there are none");
            return;
        }
        StrategySwitch.Current replaced = strategies.switchTo(name);
        backends.forgetPassiveState();
        Responses.json(exchange, 200, JsonPage.render(json -> {
            json.writeStringField("strategy", name.wireName());
            json.writeStringField("replaced", replaced.name().wireName());
        }));
    }
}
