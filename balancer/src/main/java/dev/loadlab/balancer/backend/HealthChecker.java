package dev.loadlab.balancer.backend;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Active health checks: {@code GET /health} on every backend every interval. A backend goes DOWN
 * after {@code --fall} failed checks in a row and comes back UP after {@code --rise} passed checks
 * in a row (as HAProxy's {@code rise}/{@code fall}; {@link Backends#checked} counts them, and
 * prequal's probes with them); a check passes on a 200 within the timeout. A passed check also
 * tells the backend's instance name.
 *
 * <p>The first check runs at once and decides alone: a backend is UP when it passes, DOWN when it
 * fails. Until then the backend takes no request, so that every answer it gives is sent with its
 * instance name; {@link #awaitFirstVerdicts} lets the balancer wait for them before it listens.
 *
 * <p>Threading: checks are sent from the backends' timer thread; answers arrive on the HTTP
 * client's threads; each backend's counts are touched by one answer at a time, since a backend's
 * next check is sent only after the previous one is answered or timed out. The next check is
 * scheduled whatever handling the answer did or threw, so an exception never ends a backend's checks.
 */
public final class HealthChecker implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HealthChecker.class.getName());
    private static final Pattern INSTANCE = Pattern.compile("\"instance\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.){1,64})\"");

    private final Backends backends;
    private final long intervalMillis;
    private final Duration timeout;
    private final HttpClient client;
    private final CountDownLatch firstVerdicts;

    public HealthChecker(Backends backends, long intervalMillis, long timeoutMillis) {
        this.backends = backends;
        this.intervalMillis = intervalMillis;
        this.timeout = Duration.ofMillis(timeoutMillis);
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
        this.firstVerdicts = new CountDownLatch(backends.all().size());
    }

    /** Sends every backend's first check. */
    public void start() {
        for (Backend backend : backends.all()) {
            check(backend, new CheckState());
        }
    }

    /**
     * Waits until every backend's first check has given its verdict, at most as long as a check
     * can take (the timeout to connect, then the timeout to answer). A backend whose check is still
     * out then stays unavailable until its check answers. Returns how many backends are UP.
     */
    public int awaitFirstVerdicts() throws InterruptedException {
        firstVerdicts.await(2 * timeout.toMillis(), TimeUnit.MILLISECONDS);
        return (int) backends.all().stream().filter(Backend::healthy).count();
    }

    /** One backend's checks: whether its first verdict is given, and whether handling a check has failed yet. */
    private static final class CheckState {
        boolean judged;
        boolean callbackFailed;
    }

    private void check(Backend backend, CheckState state) {
        URI health = backend.address().uri().resolve("/health");
        HttpRequest request = HttpRequest.newBuilder(health).timeout(timeout).GET().build();
        client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((answer, failure) -> {
            try {
                judge(backend, state, failure == null && answer.statusCode() == 200 ? answer.body() : null);
            } catch (RuntimeException e) {
                // Whatever failed (a capacity listener, a resize during shutdown), the checks go on.
                if (!state.callbackFailed) {
                    state.callbackFailed = true;
                    LOG.log(System.Logger.Level.WARNING, "handling a health check of backend " + backend
                            + " failed; its checks go on, and further failures of this kind are not logged", e);
                }
            } finally {
                if (!state.judged) {
                    state.judged = true;
                    firstVerdicts.countDown();
                }
                scheduleNext(backend, state);
            }
        });
    }

    /** Counts one check, passed if {@code passedBody} is not null; the first decides alone. */
    private void judge(Backend backend, CheckState state, String passedBody) {
        boolean passed = passedBody != null;
        if (passed) {
            Matcher name = INSTANCE.matcher(passedBody);
            if (name.find()) {
                backend.instance(name.group(1));
            }
        }
        if (state.judged) {
            backends.checked(backend, passed);
        } else {
            backend.countCheck(passed);
            backends.health(backend, passed, true);
        }
    }

    private void scheduleNext(Backend backend, CheckState state) {
        try {
            backends.timer().schedule(() -> check(backend, state), intervalMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            // the balancer is stopping: no more checks
        }
    }

    @Override
    public void close() {
        client.shutdownNow();
    }
}
