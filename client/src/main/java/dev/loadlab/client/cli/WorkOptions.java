package dev.loadlab.client.cli;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import picocli.CommandLine.Option;

/**
 * The work every request of a run or a search asks of the server, {@code --io-ms}, {@code --cpu-ms}
 * and {@code --param}: checked against the servers' ranges and appended to the target's query. A
 * picocli mixin of {@code run} and {@code search}; filled by picocli on the command's thread.
 */
public final class WorkOptions {
    static final int MAX_IO_MS = 60_000;
    static final int MAX_CPU_MS = 10_000;

    @Option(names = "--io-ms", paramLabel = "MS", order = 11,
            description = "Work parameter io_ms: simulated blocking I/O per request, 0..60000.")
    private Integer ioMs;

    @Option(names = "--cpu-ms", paramLabel = "MS", order = 12,
            description = "Work parameter cpu_ms: simulated CPU work per request, 0..10000.")
    private Integer cpuMs;

    @Option(names = "--param", paramLabel = "NAME=VALUE", mapFallbackValue = "", order = 13,
            description = "Extra query parameter; repeatable (e.g. --param payload_bytes=512).")
    private Map<String, String> params = new LinkedHashMap<>();

    /** {@code --io-ms}; null when not given. */
    Integer ioMs() {
        return ioMs;
    }

    /** {@code --cpu-ms}; null when not given. */
    Integer cpuMs() {
        return cpuMs;
    }

    Map<String, String> params() {
        return Map.copyOf(params);
    }

    /** What is wrong with them, in one line; empty when nothing is. */
    Optional<String> problem() {
        if (ioMs != null && (ioMs < 0 || ioMs > MAX_IO_MS)) {
            return Optional.of("--io-ms must be in 0.." + MAX_IO_MS + ", got " + ioMs);
        }
        if (cpuMs != null && (cpuMs < 0 || cpuMs > MAX_CPU_MS)) {
            return Optional.of("--cpu-ms must be in 0.." + MAX_CPU_MS + ", got " + cpuMs);
        }
        return Optional.empty();
    }

    /** {@code url} ({@code parsed}) with the work appended to its query, encoded; {@code parsed} when there is none. */
    URI appendedTo(String url, URI parsed) {
        Map<String, String> query = new LinkedHashMap<>();
        if (ioMs != null) {
            query.put("io_ms", ioMs.toString());
        }
        if (cpuMs != null) {
            query.put("cpu_ms", cpuMs.toString());
        }
        query.putAll(params);
        if (query.isEmpty()) {
            return parsed;
        }
        StringBuilder full = new StringBuilder(url);
        char separator = parsed.getRawQuery() == null ? '?' : '&';
        for (Map.Entry<String, String> parameter : query.entrySet()) {
            full.append(separator).append(URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8))
                    .append('=').append(URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8));
            separator = '&';
        }
        return URI.create(full.toString());
    }
}
