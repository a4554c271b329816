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

/**
 * The balancer's own endpoints, as the suite uses them: what it says it did ({@code /stats}), and
 * the strategy switch between runs ({@code POST /admin/strategy}).
 *
 * <p>Threading: the suite's thread.
 */
final class BalancerAdmin {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** How long a switch may wait for the last run's requests to end and every backend to be available. */
    static final Duration SWITCH_WITHIN = Duration.ofSeconds(60);
    private static final long POLL_MILLIS = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private BalancerAdmin() {
    }

    /**
     * The requests the balancer on {@code port} sent each backend since it started (served, failed,
     * or in flight now), by instance name; null if it did not answer.
     */
    static Map<String, Long> routed(int port) throws InterruptedException {
        try (HttpClient http = http()) {
            HttpResponse<String> answer = http.send(request(port, "/stats").build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                return null;
            }
            Map<String, Long> routed = new LinkedHashMap<>();
            for (JsonNode backend : JSON.readTree(answer.body()).path("backends")) {
                routed.merge(backend.path("instance").asText(), backend.path("served").asLong()
                        + backend.path("errors").asLong() + backend.path("in_flight").asLong(), Long::sum);
            }
            return routed;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Puts a fresh {@code strategy} in use on the balancer on {@code port}, once all its
     * {@code backends} are available again (a killed one restarted needs its health checks to
     * pass) and the balancer has no request in flight or queued (it answers 409 until then).
     *
     * @throws ServerDidNotStart if that did not happen within {@link #SWITCH_WITHIN}
     */
    static void switchTo(int port, String strategy, int backends) throws InterruptedException, ServerDidNotStart {
        long deadline = System.nanoTime() + SWITCH_WITHIN.toNanos();
        String last = "no answer";
        try (HttpClient http = http()) {
            while (System.nanoTime() < deadline) {
                try {
                    HttpResponse<String> health = http.send(request(port, "/health").build(),
                            HttpResponse.BodyHandlers.ofString());
                    long available = JSON.readTree(health.body()).path("backends_available").asLong(-1);
                    if (available < backends) {
                        last = "/health: " + available + " of " + backends + " backends available";
                    } else {
                        HttpResponse<String> answer = http.send(request(port, "/admin/strategy?name=" + strategy)
                                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                        if (answer.statusCode() == 200) {
                            return;
                        }
                        last = answer.statusCode() + " " + answer.body();
                        if (answer.statusCode() != 409) {
                            break;
                        }
                    }
                } catch (IOException e) {
                    last = e.toString();
                }
                Thread.sleep(POLL_MILLIS);
            }
        }
        throw new ServerDidNotStart("the balancer on port " + port + " did not switch to " + strategy + " within "
                + SWITCH_WITHIN.toSeconds() + " s: " + last);
    }

    private static HttpClient http() {
        return HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    private static HttpRequest.Builder request(int port, String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).timeout(TIMEOUT);
    }
}
