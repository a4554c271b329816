package dev.loadlab.client.record;

import java.util.Optional;

/**
 * The five latency distributions a run records, each in microseconds.
 *
 * <p>The {@link #tag()} names a histogram in the interval log and in {@code result.json};
 * the {@link #fileStem()} names its {@code .hgrm} file. Both are part of the documented
 * result format: renaming one breaks readers of old results.
 */
public enum HistogramKind {
    /** Answer time measured from the request's intended send time (corrected for coordinated omission). */
    LATENCY("latency", "latency", "latency from intended send time"),
    /** Answer time measured from the moment the request was actually handed to the HTTP client. */
    LATENCY_UNCORRECTED("latency_uncorrected", "latency-uncorrected", "latency from actual send"),
    /** How late each request was dispatched: actual send time minus intended send time. */
    DISPATCH_LAG("dispatch_lag", "dispatch-lag", "dispatch lag"),
    /** The server's own {@code queued_ms}: time the request waited in the server's lane. */
    SERVER_QUEUED("server_queued", "server-queued", "server queue wait (queued_ms)"),
    /** The server's own {@code service_ms}: time the request was in service. */
    SERVER_SERVICE("server_service", "server-service", "server service time (service_ms)");

    private final String tag;
    private final String fileStem;
    private final String description;

    HistogramKind(String tag, String fileStem, String description) {
        this.tag = tag;
        this.fileStem = fileStem;
        this.description = description;
    }

    /** The kind a tag names, as in an interval log; empty for a tag of no kind. */
    public static Optional<HistogramKind> ofTag(String tag) {
        for (HistogramKind kind : values()) {
            if (kind.tag.equals(tag)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    public String tag() {
        return tag;
    }

    public String fileStem() {
        return fileStem;
    }

    public String description() {
        return description;
    }
}
