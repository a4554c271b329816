package dev.loadlab.suite.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the balancer says it did: its {@code /stats}, read once a run is over. */
final class BalancerStats {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private BalancerStats() {
    }

    /**
     * The requests the balancer on {@code port} sent each backend since it started (served, failed,
     * or in flight now), by instance name; null if it did not answer.
     */
    static Map<String, Long> routed(int port) throws InterruptedException {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/stats")).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                return null;
            }
            Map<String, Long> routed = new LinkedHashMap<>();
            for (JsonNode backend : new ObjectMapper().readTree(answer.body()).path("backends")) {
                routed.merge(backend.path("instance").asText(), backend.path("served").asLong()
                        + backend.path("errors").asLong() + backend.path("in_flight").asLong(), Long::sum);
            }
            return routed;
        } catch (IOException e) {
            return null;
        }
    }
}
