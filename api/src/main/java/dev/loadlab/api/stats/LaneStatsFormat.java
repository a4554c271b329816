package dev.loadlab.api.stats;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.loadlab.api.lane.LaneStats;
import java.io.IOException;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * One lane's counters as JSON fields and as Prometheus samples: the same names in both, so that
 * {@code /stats} and {@code /metrics} never disagree. Used by the servers and the balancer.
 */
public final class LaneStatsFormat {
    private LaneStatsFormat() {
    }

    /** Writes the lane as a JSON object. */
    public static void writeJson(JsonGenerator json, LaneStats lane) throws IOException {
        json.writeStartObject();
        json.writeStringField("discipline", lane.discipline().wireName());
        json.writeNumberField("received", lane.received());
        json.writeNumberField("completed", lane.completed());
        json.writeNumberField("rejected", lane.rejected());
        json.writeNumberField("shed", lane.shed());
        json.writeNumberField("cancelled", lane.cancelled());
        json.writeNumberField("in_service", lane.inService());
        json.writeNumberField("queued", lane.queued());
        json.writeNumberField("max_queued", lane.maxQueued());
        json.writeBooleanField("congested", lane.congested());
        json.writeNumberField("workers", lane.settings().workers());
        json.writeNumberField("queue_capacity", lane.settings().queueCapacity());
        json.writeNumberField("queue_timeout_ms", lane.settings().queueTimeoutMillis());
        json.writeEndObject();
    }

    /** Each Prometheus family: name suffix, type, help, and the figure it reports. */
    private record Family(String suffix, String type, String help, ToLongFunction<LaneStats> value) {
    }

    private static final List<Family> FAMILIES = List.of(
            new Family("received_total", "counter", "Requests offered to the lane.", LaneStats::received),
            new Family("completed_total", "counter", "Requests that left service.", LaneStats::completed),
            new Family("rejected_total", "counter", "Requests refused with queue_full.", LaneStats::rejected),
            new Family("shed_total", "counter", "Waiters shed with queue_timeout.", LaneStats::shed),
            new Family("cancelled_total", "counter", "Waiters removed because their client went away.",
                    LaneStats::cancelled),
            new Family("in_service", "gauge", "Requests in service now.", LaneStats::inService),
            new Family("queued", "gauge", "Requests waiting now.", LaneStats::queued),
            new Family("max_queued", "gauge", "Longest the queue has been.", LaneStats::maxQueued),
            new Family("congested", "gauge", "1 while the lane is congested: every request that entered service in the last CoDel interval waited longer than the target.",
                    lane -> lane.congested() ? 1 : 0));

    /**
     * Appends every lane's samples, one family at a time as the text format requires;
     * {@code labels} is extra label text ending in a comma, such as {@code instance="vt-1",}, or empty.
     */
    public static void appendPrometheus(StringBuilder out, String prefix, String labels, List<LaneStats> lanes) {
        for (Family family : FAMILIES) {
            String name = prefix + family.suffix();
            out.append("# HELP ").append(name).append(' ').append(family.help()).append('\n');
            out.append("# TYPE ").append(name).append(' ').append(family.type()).append('\n');
            for (LaneStats lane : lanes) {
                out.append(name).append('{').append(labels).append("lane=\"").append(lane.discipline().wireName())
                        .append("\"} ").append(family.value().applyAsLong(lane)).append('\n');
            }
        }
    }
}
