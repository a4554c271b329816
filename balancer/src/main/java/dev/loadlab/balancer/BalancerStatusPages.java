package dev.loadlab.balancer;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.loadlab.api.http.DrainGate;
import dev.loadlab.api.json.JsonPage;
import dev.loadlab.api.http.Responses;
import dev.loadlab.api.lane.Lane;
import dev.loadlab.api.lane.LaneStats;
import dev.loadlab.api.stats.LaneStatsFormat;
import dev.loadlab.balancer.backend.Backend;
import dev.loadlab.balancer.backend.Backends;
import dev.loadlab.balancer.strategy.StrategySwitch;
import io.undertow.server.HttpServerExchange;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The balancer's own {@code /health}, {@code /stats} and {@code /metrics} (the servers' are api's
 * {@code StatusPages}). Runs on I/O threads.
 */
final class BalancerStatusPages {

    private volatile String instance = "balancer";
    private final Backends backends;
    private final StrategySwitch strategy;
    private final Lane lane;
    private final DrainGate gate;
    private final long startNanos = System.nanoTime();

    BalancerStatusPages(Backends backends, StrategySwitch strategy, Lane lane, DrainGate gate) {
        this.backends = backends;
        this.strategy = strategy;
        this.lane = lane;
        this.gate = gate;
    }

    /** The balancer's name, known once it has bound its port. */
    void instance(String name) {
        this.instance = name;
    }

    void health(HttpServerExchange exchange) {
        long now = System.nanoTime();
        long available = backends.all().stream().filter(b -> b.available(now)).count();
        boolean draining = gate.draining();
        Responses.json(exchange, draining ? 503 : 200, JsonPage.render(json -> {
            json.writeStringField("status", draining ? "DRAINING" : "UP");
            json.writeStringField("instance", instance);
            json.writeNumberField("backends", backends.all().size());
            json.writeNumberField("backends_available", available);
        }));
    }

    void stats(HttpServerExchange exchange) {
        long now = System.nanoTime();
        LaneStats queue = lane.stats();
        Responses.json(exchange, 200, JsonPage.render(json -> {
            json.writeStringField("model", "balancer");
            json.writeStringField("instance", instance);
            json.writeNumberField("uptime_s", Math.round((now - startNanos) / 1e6) / 1000.0);
            json.writeStringField("jdk", Runtime.version().toString());
            json.writeNumberField("cores", Runtime.getRuntime().availableProcessors());
            StrategySwitch.Current current = strategy.current();
            json.writeStringField("strategy", current.name().wireName());
            Map<String, Long> strategyStats = current.strategy().stats();
            if (!strategyStats.isEmpty()) {
                json.writeObjectFieldStart(current.name().wireName().replace('-', '_'));
                for (Map.Entry<String, Long> figure : strategyStats.entrySet()) {
                    json.writeNumberField(figure.getKey(), figure.getValue());
                }
                json.writeEndObject();
            }
            json.writeNumberField("max_per_backend", backends.maxPerBackend());
            json.writeBooleanField("draining", gate.draining());
            json.writeNumberField("refused_draining", gate.refused());
            json.writeFieldName("queue");
            LaneStatsFormat.writeJson(json, queue);
            json.writeArrayFieldStart("backends");
            for (Backend backend : backends.all()) {
                json.writeStartObject();
                json.writeStringField("url", backend.address().uri().toString());
                json.writeStringField("instance", backend.instance());
                json.writeNumberField("weight", backend.weight());
                json.writeBooleanField("healthy", backend.healthy());
                json.writeBooleanField("ejected", backend.ejected(now));
                json.writeNumberField("ejections", backend.ejections());
                json.writeNumberField("in_flight", backend.inFlight());
                json.writeNumberField("served", backend.served());
                json.writeNumberField("errors", backend.errors());
                json.writeNumberField("ewma_ms", Math.round(backend.ewmaLatencyNanos(now) / 1e3) / 1000.0);
                json.writeEndObject();
            }
            json.writeEndArray();
        }));
    }

    /** Each per-backend Prometheus family. */
    private record Family(String name, String type, String help, ToDoubleFunction<Backend> value) {
    }

    void metrics(HttpServerExchange exchange) {
        long now = System.nanoTime();
        List<Family> families = List.of(
                new Family("loadlab_balancer_backend_up", "gauge", "1 if the backend passes its health checks.",
                        b -> b.healthy() ? 1 : 0),
                new Family("loadlab_balancer_backend_ejected", "gauge", "1 while the backend is ejected.",
                        b -> b.ejected(now) ? 1 : 0),
                new Family("loadlab_balancer_backend_ejections_total", "counter", "Times the backend was ejected.",
                        Backend::ejections),
                new Family("loadlab_balancer_backend_in_flight", "gauge", "Requests in flight to the backend.",
                        Backend::inFlight),
                new Family("loadlab_balancer_backend_served_total", "counter", "Answers the backend gave.",
                        Backend::served),
                new Family("loadlab_balancer_backend_errors_total", "counter",
                        "Failed attempts and 5xx answers of the backend.", Backend::errors),
                new Family("loadlab_balancer_backend_ewma_seconds", "gauge",
                        "Peak-sensitive moving average of the backend's latency, decayed to now.", b -> b.ewmaLatencyNanos(now) / 1e9));
        StringBuilder out = new StringBuilder(4096);
        for (Family family : families) {
            out.append("# HELP ").append(family.name()).append(' ').append(family.help()).append('\n');
            out.append("# TYPE ").append(family.name()).append(' ').append(family.type()).append('\n');
            for (Backend backend : backends.all()) {
                out.append(family.name()).append("{balancer=\"").append(instance).append("\",backend=\"")
                        .append(backend.address().hostAndPort()).append("\",instance=\"").append(backend.instance())
                        .append("\"} ").append(family.value().applyAsDouble(backend)).append('\n');
            }
        }
        LaneStatsFormat.appendPrometheus(out, "loadlab_balancer_queue_", "balancer=\"" + instance + "\",",
                List.of(lane.stats()));
        Responses.send(exchange, 200, Responses.PROMETHEUS, out.toString());
    }
}
