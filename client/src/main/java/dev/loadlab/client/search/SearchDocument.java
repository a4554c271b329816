package dev.loadlab.client.search;

import java.util.List;

/**
 * The {@code search.json} of a capacity search: what was searched, every step, and the answer.
 * Field names are written in snake_case; client/README.md documents each one. Change
 * {@link #SCHEMA_VERSION} when a field changes meaning or disappears.
 *
 * @param sloP99Ms      the latency p99 a step may have ({@code --slo-p99})
 * @param idleLatencyMs the fastest of a few lone requests before the first step; null when none was answered
 * @param settledBelowMs after a failed step, the next waits until a lone request answers within this
 * @param settleLimitMs  and at most this long
 * @param capacityRps   the highest rate that passed; 0 when none did
 * @param lowestFailRps the lowest rate that failed; null when none did
 */
public record SearchDocument(int schemaVersion, String tool, String label, String startTime,
                             List<String> commandLine, String url, long deadlineMs, double sloGoodput, double sloP99Ms,
                             double startRateHz, double maxRateHz, int maxSteps, double precision,
                             long stepDurationMs, long stepWarmupMs, String transport, Double idleLatencyMs,
                             double settledBelowMs, long settleLimitMs, List<SearchStep> steps,
                             double capacityRps, Double lowestFailRps, String stopReason) {
    public static final int SCHEMA_VERSION = 1;
    /** The file name in the search's output directory. */
    public static final String FILE_NAME = "search.json";

    public SearchDocument {
        commandLine = List.copyOf(commandLine);
        steps = List.copyOf(steps);
    }
}
