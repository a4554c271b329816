package dev.loadlab.api.contract;

import static dev.loadlab.api.contract.Http.doubleField;
import static dev.loadlab.api.contract.Http.field;
import static dev.loadlab.api.contract.Http.longField;
import static org.assertj.core.api.Assertions.assertThat;

import dev.loadlab.api.cli.ServerOptions;
import dev.loadlab.api.http.ApiServer;
import dev.loadlab.api.http.ConcurrencyModel;
import dev.loadlab.api.work.SimulatedWork;
import dev.loadlab.api.work.WorkRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP contract of DESIGN.md, checked over real HTTP on loopback. Every server module runs this
 * suite against itself by extending it; a server passes only if it passes unchanged.
 *
 * <p>Timing is never asserted tightly: waits are bounded generously (an answer within 30 s), and
 * orderings are made unambiguous by the test (it waits until each waiter is queued before sending
 * the next) rather than by hoping for a schedule.
 */
public abstract class ServerContract {
    private final List<ApiServer> started = new ArrayList<>();

    /** The server's concurrency model, built from its options. */
    protected abstract ConcurrencyModel model(ServerOptions options);

    /** The name the model answers with: {@code threads}, {@code virtual-threads} or {@code async}. */
    protected abstract String modelName();

    /** The server's {@code main} class, for the tests that need a real process (SIGTERM). */
    protected abstract Class<?> mainClass();

    /** Starts a server in-process on an ephemeral loopback port; stopped after the test. */
    protected final Http start(String... args) {
        ServerOptions options = loopbackOptions(args);
        return started(ApiServer.start(options, model(options), 2));
    }

    /** {@link #start}, with requests doing {@code work} instead of what they ask for. */
    protected final Http startWith(SimulatedWork work, String... args) {
        ServerOptions options = loopbackOptions(args);
        return started(ApiServer.start(options, model(options), 2, work));
    }

    private static ServerOptions loopbackOptions(String... args) {
        List<String> all = new ArrayList<>(List.of("--port", "0", "--host", "127.0.0.1"));
        all.addAll(List.of(args));
        return ServerOptions.parse(all.toArray(String[]::new));
    }

    private Http started(ApiServer server) {
        started.add(server);
        return new Http(server.address());
    }

    private ApiServer lastServer() {
        return started.getLast();
    }

    @AfterEach
    final void stopServers() {
        for (ApiServer server : started) {
            server.close();
        }
        started.clear();
    }

    // ---- the work endpoints --------------------------------------------------------------------

    @Test
    void processAnswersWithModelInstanceDisciplineAndTimings() {
        Http http = start("--instance", "contract-1");
        HttpResponse<String> answer = http.get("/api/process_fifo?io_ms=20&id=abc");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
        String body = answer.body();
        assertThat(field(body, "id")).isEqualTo("abc");
        assertThat(field(body, "model")).isEqualTo(modelName());
        assertThat(field(body, "instance")).isEqualTo("contract-1");
        assertThat(field(body, "discipline")).isEqualTo("fifo");
        assertThat(doubleField(body, "queued_ms")).isGreaterThanOrEqualTo(0);
        assertThat(doubleField(body, "service_ms")).isGreaterThanOrEqualTo(20);
        assertThat(longField(body, "queue_depth")).isZero();
    }

    @ParameterizedTest
    @CsvSource({
        "/api/process_fifo, fifo",
        "/api/process_lifo, lifo",
        "/api/process/fifo, fifo",
        "/api/process/lifo, lifo",
        "/api/process/adaptive-lifo, adaptive-lifo",
        "/api/process/codel, codel",
    })
    void everyLaneServesOnItsPath(String path, String discipline) {
        Http http = start();
        HttpResponse<String> answer = http.get(path + "?io_ms=0");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(field(answer.body(), "discipline")).isEqualTo(discipline);
    }

    @Test
    void postReadsTheJsonBodyAndTheQueryWins() {
        Http http = start();
        HttpResponse<String> answer = http.post("/api/process/lifo?id=from-query",
                "{\"io_ms\":15,\"cpu_ms\":0,\"id\":\"from-body\",\"payload_bytes\":0}");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(field(answer.body(), "id")).isEqualTo("from-query");
        assertThat(doubleField(answer.body(), "service_ms")).isGreaterThanOrEqualTo(15);
    }

    @Test
    void chunkedBodyIsReadToo() {
        Http http = start();
        byte[] json = "{\"id\":\"chunked\",\"io_ms\":0}".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(http.uri("/api/process_fifo"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(json))));
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(field(answer.body(), "id")).isEqualTo("chunked");
    }

    @Test
    void payloadBytesLengthensTheAnswer() {
        Http http = start();
        String small = http.get("/api/process_fifo?io_ms=0").body();
        String large = http.get("/api/process_fifo?io_ms=0&payload_bytes=100000").body();
        assertThat(large.length() - small.length()).isBetween(100_000, 100_000 + 64);
        assertThat(payloadOf(large)).isEqualTo("x".repeat(100_000));
        assertThat(large).endsWith("\"}").contains("\"queue_depth\":");
    }

    @Test
    void theLargestPayloadsAnswerWholeWhileOthersAreSentBesideThem() throws Exception {
        // Each answer sends its own slice of one shared buffer: answers in flight together must not
        // share a position, or one would come out short or torn.
        Http http = start();
        String path = "/api/process_fifo?io_ms=0&payload_bytes=" + WorkRequest.MAX_PAYLOAD_BYTES;
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            answers.add(http.getAsync(path));
        }
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            String payload = payloadOf(response.body());
            assertThat(payload).hasSize(WorkRequest.MAX_PAYLOAD_BYTES);
            assertThat(payload.chars().allMatch(c -> c == 'x')).as("only x's").isTrue();
        }
    }

    /** The payload of an answer: what stands between {@code "payload":"} and the closing {@code "}}. */
    private static String payloadOf(String answer) {
        String opening = "\"payload\":\"";
        assertThat(answer).contains(opening).endsWith("\"}");
        return answer.substring(answer.indexOf(opening) + opening.length(), answer.length() - 2);
    }

    @Test
    void cpuWorkTakesAtLeastItsTimeInService() {
        Http http = start();
        HttpResponse<String> answer = http.get("/api/process_fifo?io_ms=0&cpu_ms=30");
        assertThat(doubleField(answer.body(), "service_ms")).isGreaterThanOrEqualTo(30);
    }

    @Test
    void serverDefaultsApplyWhenTheRequestDoesNotSay() {
        Http http = start("--io-ms", "40");
        assertThat(doubleField(http.get("/api/process_fifo").body(), "service_ms")).isGreaterThanOrEqualTo(40);
    }

    // ---- errors ----------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/api/process_fifo?io_ms=abc             | 400 | bad_parameter",
        "/api/process_fifo?io_ms=60001           | 400 | bad_parameter",
        "/api/process_fifo?cpu_ms=-5             | 400 | bad_parameter",
        "/api/process_fifo?payload_bytes=2000000 | 400 | bad_parameter",
        "/api/process_fifo?sleep=5               | 400 | bad_parameter",
        "/api/process/random                     | 400 | bad_parameter",
        "/api/process/                           | 400 | bad_parameter",
        "/nope                                   | 404 | not_found",
        "/api/process_fifo/extra                 | 404 | not_found",
        "/                                       | 404 | not_found",
    })
    void badRequestsGetTheContractsJsonError(String path, int status, String code) {
        Http http = start();
        HttpResponse<String> answer = http.get(path);
        assertJsonError(answer, status, code);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"io_ms\":", "not json", "[1,2]", "{\"io_ms\":1}{}", "{\"io_ms\":1,\"io_ms\":2}"})
    void bodyThatIsNotAJsonObjectIsBadJson(String body) {
        Http http = start();
        assertJsonError(http.post("/api/process_fifo", body), 400, "bad_json");
    }

    @Test
    void bodyOver64KibIsTooLarge() {
        Http http = start();
        String big = "{\"id\":\"" + "x".repeat(70_000) + "\"}";
        assertJsonError(http.post("/api/process_fifo", big), 413, "body_too_large");
        byte[] chunked = big.getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(http.uri("/api/process_fifo"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(chunked))));
        assertJsonError(answer, 413, "body_too_large");
        assertThat(http.get("/health").statusCode()).as("the server still serves").isEqualTo(200);
    }

    @ParameterizedTest
    @CsvSource({
        "PUT, /api/process_fifo, 'GET, POST'",
        "DELETE, /api/process/codel, 'GET, POST'",
        "HEAD, /api/process_lifo, 'GET, POST'",
        "POST, /health, GET",
        "PUT, /stats, GET",
        "DELETE, /metrics, GET",
        "POST, /probe, GET",
    })
    void wrongMethodIsNotAllowedAndSaysWhatIs(String method, String path, String allow) {
        Http http = start();
        HttpResponse<String> answer = http.method(method, path);
        assertThat(answer.statusCode()).isEqualTo(405);
        assertThat(answer.headers().firstValue("Allow")).hasValue(allow);
        if (!method.equals("HEAD")) {
            assertJsonError(answer, 405, "method_not_allowed");
        }
    }

    @Test
    void malformedHttpIsRefusedAndTheServerGoesOn() {
        Http http = start();
        assertThat(http.raw("GARBAGE\r\n\r\n")).startsWith("HTTP/1.1 400");
        assertThat(http.raw("GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n")).startsWith("HTTP/1.1 400");
        // A request target that is not a valid URI (RFC 3986) is malformed HTTP, refused by the parser.
        assertThat(http.raw("GET /api/process_fifo?io_ms=%zz HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 400");
        assertThat(http.get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void declaredBodyOver64KibIsRefusedWithoutReadingIt() {
        Http http = start();
        String answer = http.raw("POST /api/process_fifo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n{");
        assertThat(answer).startsWith("HTTP/1.1 413").contains("\"error\":\"body_too_large\"");
    }

    private static void assertJsonError(HttpResponse<String> answer, int status, String code) {
        assertThat(answer.statusCode()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(field(answer.body(), "error")).isEqualTo(code);
        assertThat(field(answer.body(), "message")).isNotBlank();
    }

    // ---- status endpoints ------------------------------------------------------------------------

    @Test
    void healthSaysUp() {
        Http http = start("--instance", "h-1");
        HttpResponse<String> answer = http.get("/health");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(field(answer.body(), "status")).isEqualTo("UP");
        assertThat(field(answer.body(), "instance")).isEqualTo("h-1");
    }

    @Test
    void statsCountPerLaneWithModelInstanceAndUptime() {
        Http http = start("--instance", "s-1");
        http.get("/api/process_lifo?io_ms=0");
        http.get("/api/process_lifo?io_ms=0");
        http.get("/api/process/codel?io_ms=0");
        // A lane counts a request completed once its answer is written, which the client may read first.
        awaitStats(http, "lifo", "completed", 2);
        awaitStats(http, "codel", "completed", 1);
        String stats = http.get("/stats").body();
        assertThat(field(stats, "model")).isEqualTo(modelName());
        assertThat(field(stats, "instance")).isEqualTo("s-1");
        assertThat(doubleField(stats, "uptime_s")).isPositive();
        assertThat(longField(lane(stats, "lifo"), "received")).isEqualTo(2);
        assertThat(longField(lane(stats, "lifo"), "completed")).isEqualTo(2);
        assertThat(longField(lane(stats, "codel"), "completed")).isEqualTo(1);
        assertThat(longField(lane(stats, "fifo"), "received")).isZero();
    }

    @Test
    void metricsAreInPrometheusTextFormat() {
        Http http = start("--instance", "m-1");
        http.get("/api/process_fifo?io_ms=0");
        awaitStats(http, "fifo", "completed", 1); // counted once written, which the client may read first
        HttpResponse<String> answer = http.get("/metrics");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain; version=0.0.4");
        assertThat(answer.body())
                .contains("# TYPE loadlab_lane_completed_total counter")
                .contains("loadlab_lane_completed_total{model=\"" + modelName() + "\",instance=\"m-1\",lane=\"fifo\"} 1")
                .contains("loadlab_lane_queued{model=\"" + modelName() + "\",instance=\"m-1\",lane=\"lifo\"} 0");
        for (String line : answer.body().split("\n")) {
            assertThat(line).matches("# (HELP|TYPE) .*|[a-z_]+\\{[^}]*\\} [0-9.eE+-]+");
        }
    }

    @Test
    void slowdownMultipliesEveryRequestsWorkAndIsShownInStatsAndHealth() {
        Http http = start("--slowdown", "3");
        assertThat(doubleField(http.get("/api/process_fifo?io_ms=40").body(), "service_ms"))
                .as("40 ms of I/O, three times").isGreaterThanOrEqualTo(120);
        assertThat(doubleField(http.get("/api/process_fifo?io_ms=0&cpu_ms=20").body(), "service_ms"))
                .as("20 ms of CPU work, three times").isGreaterThanOrEqualTo(60);
        assertThat(longField(http.get("/stats").body(), "slowdown")).isEqualTo(3);
        assertThat(longField(http.get("/health").body(), "slowdown")).isEqualTo(3);
        assertThat(longField(start().get("/health").body(), "slowdown")).as("the default").isEqualTo(1);
    }

    @Test
    void probeAnswersInFlightAndLatencyAsCompactJson() {
        Http http = start();
        HttpResponse<String> answer = http.get("/probe");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(answer.body()).as("before any answer").isEqualTo("{\"in_flight\":0,\"latency_ms\":0.000}");
    }

    @Test
    void probeInFlightCountsRequestsInServiceAndQueued() {
        Http http = start("--workers", "1");
        CompletableFuture<HttpResponse<String>> blocker = http.getAsync("/api/process_fifo?io_ms=5000");
        awaitBehind(blocker, http, "fifo", 1, 0);
        CompletableFuture<HttpResponse<String>> first = http.getAsync("/api/process_fifo?io_ms=0");
        awaitBehind(blocker, http, "fifo", 1, 1);
        CompletableFuture<HttpResponse<String>> second = http.getAsync("/api/process/lifo?io_ms=5000");
        awaitBehind(second, http, "lifo", 1, 0);
        String probe = http.get("/probe").body();
        awaitBehind(blocker, http, "fifo", 1, 1); // the probe was read while all three were in flight
        assertThat(second).isNotDone();
        assertThat(longField(probe, "in_flight")).as("two in service, one queued, two lanes").isEqualTo(3);
        for (CompletableFuture<HttpResponse<String>> answer : List.of(blocker, first, second)) {
            assertThat(answer.join().statusCode()).isEqualTo(200);
        }
        // A request leaves in_flight once its answer is written, which the client may read first.
        await(() -> longField(http.get("/probe").body(), "in_flight") == 0, "the probe's in_flight is 0");
    }

    @Test
    void probeLatencyFollowsTheServiceTime() {
        Http fast = start();
        Http slow = start("--slowdown", "4");
        for (int i = 0; i < 5; i++) {
            fast.get("/api/process_fifo?io_ms=50");
            slow.get("/api/process_fifo?io_ms=50");
        }
        double fastMillis = doubleField(fast.get("/probe").body(), "latency_ms");
        double slowMillis = doubleField(slow.get("/probe").body(), "latency_ms");
        assertThat(fastMillis).isGreaterThanOrEqualTo(50).isLessThan(200);
        assertThat(slowMillis).as("50 ms of I/O, four times").isGreaterThanOrEqualTo(200);
    }

    /** The JSON object of one lane inside {@code /stats}. */
    static String lane(String stats, String discipline) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(discipline) + "\"\\s*:\\s*\\{([^}]*)\\}").matcher(stats);
        assertThat(m.find()).as("lane %s in %s", discipline, stats).isTrue();
        return m.group(1);
    }

    // ---- lane rules ------------------------------------------------------------------------------

    /**
     * Occupies the lane's one worker with a request long enough for the waiters to queue behind it
     * even on a busy machine, then queues the given ids one by one, each only once the previous one
     * is seen waiting behind the blocker, and returns the order in which they are served (the order
     * of their answers: with one worker, service is sequential). The precondition, all of them
     * queued while the blocker is in service, is asserted in one read of {@code /stats}.
     */
    private List<String> serveOrder(Http http, String path, long blockerIoMillis, List<String> ids) {
        return serveOrder(http, path, blockerIoMillis, ids, 20);
    }

    /** {@link #serveOrder}, each waiter asking for {@code waiterIoMillis} of I/O. */
    private List<String> serveOrder(Http http, String path, long blockerIoMillis, List<String> ids, long waiterIoMillis) {
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        CompletableFuture<HttpResponse<String>> blocker = http.getAsync(path + "?io_ms=" + blockerIoMillis + "&id=blocker");
        answers.add(blocker);
        String discipline = path.substring(path.lastIndexOf('/') + 1).replace("process_", "");
        awaitBehind(blocker, http, discipline, 1, 0);
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            answers.add(http.getAsync(path + "?io_ms=" + waiterIoMillis + "&id=" + id).thenApply(answer -> {
                order.add(field(answer.body(), "id"));
                return answer;
            }));
            awaitBehind(blocker, http, discipline, 1, i + 1);
        }
        answers.forEach(answer -> assertThat(answer.join().statusCode()).isEqualTo(200));
        return List.copyOf(order);
    }

    /**
     * Waits until one read of {@code /stats} shows the lane with exactly that many in service and
     * queued, while {@code blocker}, the request the set-up relies on being in service, is still
     * unanswered: a set-up that outlasts its blocker (a very busy machine) fails at once, saying so,
     * rather than testing nothing or waiting out the timeout.
     */
    private static void awaitBehind(CompletableFuture<?> blocker, Http http, String discipline, long inService,
            long queued) {
        String state = discipline + " has " + inService + " in service and " + queued + " queued";
        await(() -> {
            assertThat(blocker).as("precondition: the blocker is still in service until %s", state).isNotDone();
            String lane = lane(http.get("/stats").body(), discipline);
            return longField(lane, "in_service") == inService && longField(lane, "queued") == queued;
        }, state);
    }

    private static void awaitStats(Http http, String discipline, String counter, long value) {
        await(() -> longField(lane(http.get("/stats").body(), discipline), counter) == value,
                discipline + " " + counter + " reaches " + value);
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Http.ANSWER_WITHIN.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting until " + what).isLessThan(deadline);
            sleep(Duration.ofMillis(5));
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void fifoServesTheOldestWaiterFirst() {
        Http http = start("--workers", "1");
        assertThat(serveOrder(http, "/api/process_fifo", 3_000, List.of("1", "2", "3", "4", "5")))
                .containsExactly("1", "2", "3", "4", "5");
    }

    @Test
    void lifoServesTheNewestWaiterFirst() {
        Http http = start("--workers", "1");
        assertThat(serveOrder(http, "/api/process_lifo", 3_000, List.of("1", "2", "3", "4", "5")))
                .containsExactly("5", "4", "3", "2", "1");
    }

    // CoDel's congestion: a lane is congested for an interval when every request that entered
    // service in the previous one had waited longer than the target (5 ms by default).

    @Test
    void adaptiveLifoIsFifoWhileAnIntervalHoldsARequestServedAtOnce() {
        // The blocker is served at once: the 5 s interval it starts in cannot end congested, and
        // the next cannot end before every waiter is served.
        Http http = start("--workers", "1", "--codel-interval-ms", "5000");
        assertThat(serveOrder(http, "/api/process/adaptive-lifo", 3_000, List.of("1", "2", "3")))
                .containsExactly("1", "2", "3");
    }

    @Test
    void adaptiveLifoTurnsLifoOnceEveryRequestOfAnIntervalHasWaited() {
        // Every waiter waits 3 s behind the blocker; once an interval of 200 ms holding only such
        // waits ends (by the second or third of them), the newest waiter is served first.
        Http http = start("--workers", "1", "--codel-interval-ms", "200");
        List<String> order = serveOrder(http, "/api/process/adaptive-lifo", 3_000,
                List.of("1", "2", "3", "4", "5", "6"), 100);
        assertThat(order.getFirst()).as("healthy when the blocker leaves: FIFO, in %s", order).isEqualTo("1");
        assertThat(order.indexOf("6")).as("then LIFO, in %s", order).isLessThan(order.indexOf("3"));
    }

    @Test
    void codelServesWaitersPastTheTargetWhileNotCongested() {
        Http http = start("--workers", "1", "--codel-interval-ms", "5000", "--codel-target-ms", "20");
        assertThat(serveOrder(http, "/api/process/codel", 3_000, List.of("1", "2"))).containsExactly("1", "2");
        assertThat(longField(lane(http.get("/stats").body(), "codel"), "shed")).isZero();
    }

    @Test
    void codelShedsWaitersPastTheTargetOnceEveryRequestOfAnIntervalHasWaited() {
        Http http = start("--workers", "1", "--codel-interval-ms", "200", "--codel-target-ms", "20");
        CompletableFuture<HttpResponse<String>> blocker = http.getAsync("/api/process/codel?io_ms=3000");
        awaitBehind(blocker, http, "codel", 1, 0);
        List<CompletableFuture<HttpResponse<String>>> waiters = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            waiters.add(http.getAsync("/api/process/codel?io_ms=100&id=" + i));
        }
        awaitBehind(blocker, http, "codel", 1, 8);
        assertThat(blocker.join().statusCode()).isEqualTo(200);
        int served = 0;
        int shed = 0;
        for (CompletableFuture<HttpResponse<String>> waiter : waiters) {
            HttpResponse<String> answer = waiter.join();
            if (answer.statusCode() == 200) {
                served++;
            } else {
                assertJsonError(answer, 503, "queue_timeout");
                shed++;
            }
        }
        // Healthy when the blocker leaves, so the first waiter is served; congested once an
        // interval of only 3 s waits ends, so the rest, all past the target, are shed.
        assertThat(served).as("served before the lane was judged congested").isBetween(1, 3);
        String codel = lane(http.get("/stats").body(), "codel");
        assertThat(longField(codel, "shed")).isEqualTo(shed).isEqualTo(8 - served);
        assertBalanced(codel);
    }

    @Test
    void queueFullAnswers503WithRetryAfter() {
        Http http = start("--workers", "1", "--queue-capacity", "1");
        CompletableFuture<HttpResponse<String>> blocker = http.getAsync("/api/process_fifo?io_ms=3000");
        awaitBehind(blocker, http, "fifo", 1, 0);
        CompletableFuture<HttpResponse<String>> waiter = http.getAsync("/api/process_fifo?io_ms=0");
        awaitBehind(blocker, http, "fifo", 1, 1);
        HttpResponse<String> refused = http.get("/api/process_fifo?io_ms=0");
        assertJsonError(refused, 503, "queue_full");
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(blocker.join().statusCode()).isEqualTo(200);
        assertThat(waiter.join().statusCode()).isEqualTo(200);
        assertThat(longField(lane(http.get("/stats").body(), "fifo"), "rejected")).isEqualTo(1);
    }

    @Test
    void everyQueueTimeoutIsAnswered() {
        Http http = start("--workers", "1", "--queue-timeout-ms", "100");
        CompletableFuture<HttpResponse<String>> blocker = http.getAsync("/api/process_lifo?io_ms=3000");
        awaitStats(http, "lifo", "in_service", 1);
        List<CompletableFuture<HttpResponse<String>>> waiters = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waiters.add(http.getAsync("/api/process_lifo?io_ms=0"));
        }
        for (CompletableFuture<HttpResponse<String>> waiter : waiters) {
            assertJsonError(waiter.join(), 503, "queue_timeout");
        }
        String lifo = lane(http.get("/stats").body(), "lifo");
        assertThat(longField(lifo, "shed")).isEqualTo(5);
        assertThat(blocker.join().statusCode()).isEqualTo(200);
    }

    /** The id of a request whose CPU work {@link #FAILS_IN_SERVICE} makes throw. */
    private static final String THROWS_IN_SERVICE = "throws-in-service";

    /** The work as requested, except that the request {@link #THROWS_IN_SERVICE} throws in its CPU work. */
    private static final SimulatedWork FAILS_IN_SERVICE = new SimulatedWork() {
        @Override
        public long ioMillis(WorkRequest work) {
            return SimulatedWork.asRequested().ioMillis(work);
        }

        @Override
        public void computeCpu(WorkRequest work) {
            if (THROWS_IN_SERVICE.equals(work.id())) {
                throw new IllegalStateException("a fault injected by the contract test");
            }
            SimulatedWork.asRequested().computeCpu(work);
        }
    };

    @Test
    void aRequestWhoseServiceThrowsIsAnsweredAndTheNextWaiterIsServed() {
        Http http = startWith(FAILS_IN_SERVICE, "--workers", "1");
        CompletableFuture<HttpResponse<String>> failing =
                http.getAsync("/api/process_fifo?io_ms=3000&id=" + THROWS_IN_SERVICE);
        awaitBehind(failing, http, "fifo", 1, 0);
        CompletableFuture<HttpResponse<String>> next = http.getAsync("/api/process_fifo?io_ms=0&id=next");
        awaitBehind(failing, http, "fifo", 1, 1); // the next one waits while the failing one is in service

        assertJsonError(failing.join(), 500, "internal_error");
        HttpResponse<String> served = next.join();
        assertThat(served.statusCode()).as("the waiter behind the failed request").isEqualTo(200);
        assertThat(field(served.body(), "id")).isEqualTo("next");
        assertThat(http.get("/api/process_fifo?io_ms=0").statusCode()).as("the worker is still there").isEqualTo(200);
        awaitStats(http, "fifo", "completed", 3); // counted once written, which the client may read first
        String fifo = lane(http.get("/stats").body(), "fifo");
        assertBalanced(fifo);
        assertThat(longField(fifo, "received")).isEqualTo(3);
        assertThat(longField(fifo, "completed")).isEqualTo(3);
        assertThat(longField(fifo, "in_service") + longField(fifo, "queued")).isZero();
    }

    private static void assertBalanced(String lane) {
        assertThat(longField(lane, "completed") + longField(lane, "rejected") + longField(lane, "shed")
                + longField(lane, "cancelled") + longField(lane, "in_service") + longField(lane, "queued"))
                .as("received = completed + rejected + shed + cancelled + in_service + queued in %s", lane)
                .isEqualTo(longField(lane, "received"));
    }

    @Test
    void statsBalanceAtEveryReadUnderLoad() {
        Http http = start("--workers", "4", "--queue-capacity", "20", "--queue-timeout-ms", "40");
        String[] paths = {"/api/process_fifo", "/api/process_lifo", "/api/process/adaptive-lifo", "/api/process/codel"};
        Map<String, AtomicInteger> answered = new ConcurrentHashMap<>();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String path = paths[i % paths.length];
            answers.add(http.getAsync(path + "?io_ms=" + (i % 7) + "&cpu_ms=" + (i % 2)).whenComplete((answer, failure) -> {
                if (answer != null) {
                    answered.computeIfAbsent(answer.statusCode() + " " + field(answer.body(), "error"),
                            key -> new AtomicInteger()).incrementAndGet();
                }
            }));
        }
        AtomicReference<String> unbalanced = new AtomicReference<>();
        int reads = 0;
        while (!answers.stream().allMatch(CompletableFuture::isDone) || reads < 5) {
            String stats = http.get("/stats").body();
            reads++;
            for (String discipline : List.of("fifo", "lifo", "adaptive-lifo", "codel")) {
                String lane = lane(stats, discipline);
                long sum = longField(lane, "completed") + longField(lane, "rejected") + longField(lane, "shed")
                        + longField(lane, "cancelled") + longField(lane, "in_service") + longField(lane, "queued");
                if (sum != longField(lane, "received")) {
                    unbalanced.set(lane);
                }
            }
        }
        assertThat(unbalanced.get()).as("a lane whose counters did not balance").isNull();
        answers.forEach(answer -> assertThat(answer.join().statusCode()).isIn(200, 503));
        // Every answer is accounted for in the lanes, and every lane ends idle (a request is counted
        // completed once its answer is written, which the client may read first).
        await(() -> {
            String now = http.get("/stats").body();
            return List.of("fifo", "lifo", "adaptive-lifo", "codel").stream().map(d -> lane(now, d))
                    .allMatch(lane -> longField(lane, "in_service") + longField(lane, "queued") == 0);
        }, "every lane is idle");
        String stats = http.get("/stats").body();
        long completed = 0;
        long refused = 0;
        for (String discipline : List.of("fifo", "lifo", "adaptive-lifo", "codel")) {
            String lane = lane(stats, discipline);
            completed += longField(lane, "completed");
            refused += longField(lane, "rejected") + longField(lane, "shed");
            assertThat(longField(lane, "in_service") + longField(lane, "queued")).isZero();
        }
        assertThat(completed).isEqualTo(count(answered, "200 null"));
        assertThat(refused).isEqualTo(count(answered, "503 queue_full") + count(answered, "503 queue_timeout"));
        assertThat(completed + refused).isEqualTo(400);
    }

    private static long count(Map<String, AtomicInteger> answered, String key) {
        AtomicInteger n = answered.get(key);
        return n == null ? 0 : n.get();
    }

    // ---- drain ---------------------------------------------------------------------------------

    @Test
    void drainAnswersQueuedAndInServiceRequestsAndRefusesNewOnes() throws Exception {
        Http http = start("--workers", "1");
        List<CompletableFuture<HttpResponse<String>>> taken = new ArrayList<>();
        CompletableFuture<HttpResponse<String>> blocker = http.getAsync("/api/process_fifo?io_ms=3000");
        taken.add(blocker);
        awaitBehind(blocker, http, "fifo", 1, 0);
        for (int i = 0; i < 3; i++) {
            taken.add(http.getAsync("/api/process_fifo?io_ms=10"));
            awaitBehind(blocker, http, "fifo", 1, i + 1);
        }
        ApiServer server = lastServer();
        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> {
            try {
                return server.drain(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        await(() -> http.get("/health").statusCode() == 503, "health says DRAINING");
        // Else the drain had nothing to wait for, and the test would pass without testing it.
        assertThat(blocker).as("precondition: the blocker is still in service once the drain has begun").isNotDone();
        assertThat(field(http.get("/health").body(), "status")).isEqualTo("DRAINING");
        assertJsonError(http.get("/api/process_fifo?io_ms=0"), 503, "draining");
        for (CompletableFuture<HttpResponse<String>> answer : taken) {
            assertThat(answer.join().statusCode()).isEqualTo(200);
        }
        assertThat(drained.get(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void sigtermDrainsAndExitsZero() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                mainClass().getName(), "--port", "0", "--workers", "1")
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String startLine = output.readLine();
            assertThat(startLine).contains("listening on http://127.0.0.1:").contains("slowdown=1");
            Matcher port = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)").matcher(startLine);
            assertThat(port.find()).isTrue();
            Http http = new Http(new java.net.InetSocketAddress("127.0.0.1", Integer.parseInt(port.group(1))));
            CompletableFuture<HttpResponse<String>> inService = http.getAsync("/api/process_fifo?io_ms=3000");
            awaitBehind(inService, http, "fifo", 1, 0);
            CompletableFuture<HttpResponse<String>> queued = http.getAsync("/api/process_fifo?io_ms=0");
            awaitBehind(inService, http, "fifo", 1, 1); // so SIGTERM finds one in service and one queued

            process.toHandle().destroy(); // SIGTERM, leaving the output readable

            assertThat(inService.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(queued.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exits by itself").isTrue();
            assertThat(process.exitValue()).isZero();
            assertThat(output.readLine()).contains("drained");
        } finally {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--workers 0      | --workers must be from 1 to 100000, got 0",
        "--slowdown 0     | --slowdown must be from 1 to 100, got 0",
        "--slowdown 101   | --slowdown must be from 1 to 100, got 101",
        "--slowdown 1.5   | Invalid value for option '--slowdown': '1.5' is not an int",
    })
    void badCommandLineExitsTwoWithOneLine(String args, String message) throws IOException, InterruptedException {
        ProcessRun run = runMain(args.split(" "));
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.lines()).singleElement().asString().contains(message).contains("--help");
    }

    @Test
    void aPortInUseIsOneLineNamingItAndExitsTwo() throws IOException, InterruptedException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ProcessRun run = runMain("--port", String.valueOf(taken.getLocalPort()));
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.lines()).singleElement().asString()
                    .contains("--port " + taken.getLocalPort() + " is in use");
        }
    }

    /** What a run of the server's {@code main} printed (stdout and stderr), and how it exited. */
    private record ProcessRun(int exitCode, String output) {
        List<String> lines() {
            return output.lines().toList();
        }
    }

    /** Runs the server's {@code main} as a process that is expected to exit by itself. */
    private ProcessRun runMain(String... args) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                mainClass().getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exits by itself").isTrue();
            return new ProcessRun(process.exitValue(), output);
        } finally {
            process.destroyForcibly();
        }
    }
}
