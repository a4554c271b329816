package dev.loadlab.api.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.loadlab.api.json.Json;
import dev.loadlab.api.json.JsonPage;
import dev.loadlab.api.lane.Lane;
import dev.loadlab.api.lane.LaneStats;
import dev.loadlab.api.stats.LaneStatsFormat;
import dev.loadlab.api.stats.ServiceTimesByLoad;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.util.List;

/** {@code /health}, {@code /stats}, {@code /metrics} and {@code /probe} of a server. Runs on I/O threads. */
final class StatusPages {
    private static final String JDK = Runtime.version().toString();
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private final ServerState state;

    StatusPages(ServerState state) {
        this.state = state;
    }

    void health(HttpServerExchange exchange) {
        boolean draining = state.gate().draining();
        String body = JsonPage.render(json -> {
            json.writeStringField("status", draining ? "DRAINING" : "UP");
            identity(json);
            json.writeNumberField("slowdown", state.slowdown());
        });
        Responses.json(exchange, draining ? 503 : 200, body);
    }

    void stats(HttpServerExchange exchange) {
        List<LaneStats> lanes = laneStats();
        String body = JsonPage.render(json -> {
            identity(json);
            json.writeStringField("jdk", JDK);
            json.writeNumberField("cores", CORES);
            json.writeNumberField("slowdown", state.slowdown());
            json.writeBooleanField("draining", state.gate().draining());
            json.writeNumberField("refused_draining", state.gate().refused());
            json.writeObjectFieldStart("lanes");
            for (LaneStats lane : lanes) {
                json.writeFieldName(lane.discipline().wireName());
                LaneStatsFormat.writeJson(json, lane);
            }
            json.writeEndObject();
        });
        Responses.json(exchange, 200, body);
    }

    void metrics(HttpServerExchange exchange) {
        ServerIdentity identity = state.identity();
        String labels = "model=\"" + identity.model() + "\",instance=\"" + identity.instance() + "\",";
        StringBuilder out = new StringBuilder(4096);
        out.append("# HELP loadlab_uptime_seconds Seconds since the server started.\n");
        out.append("# TYPE loadlab_uptime_seconds gauge\n");
        out.append("loadlab_uptime_seconds{").append(labels, 0, labels.length() - 1).append("} ")
                .append(state.uptimeSeconds()).append('\n');
        out.append("# HELP loadlab_draining 1 while the server is shutting down.\n");
        out.append("# TYPE loadlab_draining gauge\n");
        out.append("loadlab_draining{").append(labels, 0, labels.length() - 1).append("} ")
                .append(state.gate().draining() ? 1 : 0).append('\n');
        LaneStatsFormat.appendPrometheus(out, "loadlab_lane_", labels, laneStats());
        Responses.send(exchange, 200, Responses.PROMETHEUS, out.toString());
    }

    /**
     * {@code {"in_flight":N,"latency_ms":X}}, what a probing balancer (Prequal) asks: the requests in
     * service or waiting over all lanes, and the median service time of recent answers at about
     * that load ({@link ServiceTimesByLoad}). Compact and cheap (each lane's lock is taken once, for
     * a read), since a balancer asks it several times per request it forwards.
     */
    void probe(HttpServerExchange exchange) {
        int inFlight = state.inFlight();
        StringBuilder body = new StringBuilder(48).append("{\"in_flight\":").append(inFlight).append(",\"latency_ms\":");
        Json.appendMillis(body, state.serviceTimes().medianNanosAt(inFlight));
        Responses.json(exchange, 200, body.append('}').toString());
    }

    private List<LaneStats> laneStats() {
        return state.lanes().all().stream().map(Lane::stats).toList();
    }

    private void identity(JsonGenerator json) throws IOException {
        ServerIdentity identity = state.identity();
        json.writeStringField("model", identity.model());
        json.writeStringField("instance", identity.instance());
        json.writeNumberField("uptime_s", Math.round(state.uptimeSeconds() * 1000) / 1000.0);
    }
}
