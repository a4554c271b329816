package dev.loadlab.balancer.backend;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Active health checks: {@code GET /health} on every backend every interval. A backend goes DOWN
 * after {@code fall} failed checks in a row and comes back UP after {@code rise} passed checks in
 * a row (as HAProxy's {@code rise}/{@code fall}); a check passes on a 200 within the timeout. The
 * first check runs at once. A passed check also tells the backend's instance name.
 *
 * <p>Threading: checks are sent from the backends' timer thread; answers arrive on the HTTP
 * client's threads; each backend's counts are touched by one answer at a time, since a backend's
 * next check is sent only after the previous one is answered or timed out.
 */
public final class HealthChecker implements AutoCloseable {
    private static final Pattern INSTANCE = Pattern.compile("\"instance\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.){1,64})\"");

    private final Backends backends;
    private final long intervalMillis;
    private final Duration timeout;
    private final int rise;
    private final int fall;
    private final HttpClient client;

    public HealthChecker(Backends backends, long intervalMillis, long timeoutMillis, int rise, int fall) {
        this.backends = backends;
        this.intervalMillis = intervalMillis;
        this.timeout = Duration.ofMillis(timeoutMillis);
        this.rise = rise;
        this.fall = fall;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
    }

    public void start() {
        for (Backend backend : backends.all()) {
            check(backend, new Streak());
        }
    }

    /** Consecutive passes (positive) or failures (negative) of one backend. */
    private static final class Streak {
        int count;
    }

    private void check(Backend backend, Streak streak) {
        URI health = backend.address().uri().resolve("/health");
        HttpRequest request = HttpRequest.newBuilder(health).timeout(timeout).GET().build();
        client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((answer, failure) -> {
            boolean passed = failure == null && answer.statusCode() == 200;
            if (passed) {
                Matcher name = INSTANCE.matcher(answer.body());
                if (name.find()) {
                    backend.instance(name.group(1));
                }
            }
            streak.count = passed ? Math.max(1, streak.count + 1) : Math.min(-1, streak.count - 1);
            if (passed && streak.count >= rise) {
                backends.health(backend, true);
            } else if (!passed && -streak.count >= fall) {
                backends.health(backend, false);
            }
            try {
                backends.timer().schedule(() -> check(backend, streak), intervalMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopped) {
                // the balancer is stopping: no more checks
            }
        });
    }

    @Override
    public void close() {
        client.shutdownNow();
    }
}
