package dev.loadlab.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.loadlab.client.ClientMain;
import dev.loadlab.client.RealtimePermission;
import dev.loadlab.client.TestServer;
import dev.loadlab.client.TestServer.Answer;
import dev.loadlab.client.load.TransportKind;
import dev.loadlab.client.output.ResultDocument;
import dev.loadlab.client.output.ResultFiles;
import picocli.CommandLine;

class ClientMainTest {

    private record Result(int exitCode, String out, String err) {
    }

    private static Result client(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = ClientMain.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(exitCode, out.toString(), err.toString());
    }

    @Test
    void seedCommandLineWorksUnchangedAndPrintsTheSeedBlock() throws Exception {
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(1))) {
            Result result = client("--api_url", server.url().toString(), "--num_requests", "60", "--concurrency", "5");

            assertThat(result.exitCode()).isZero();
            assertThat(result.err()).isEmpty();
            assertThat(result.out()).contains("Successful Requests: 60", "Failed Requests: 0", "Total Time: ",
                    "Average Response Time: ", "Throughput: ", "Error Summary: none", "p99.99", "max",
                    "Successful Throughput: ", "Total Throughput: ", "Server queue wait (queued_ms)", "Client CPU: ");
        }
    }

    @Test
    void failedRequestsStillExitZeroAndAppearInTheErrorSummary() throws Exception {
        try (TestServer server = TestServer.start((n, elapsed) -> n % 2 == 0 ? Answer.queueFull() : Answer.ok(0))) {
            Result result = client("run", "--url", server.url().toString(), "-n", "20", "-c", "1", "-q");

            assertThat(result.exitCode()).isZero();
            assertThat(result.out()).contains("Failed Requests: 10", "status_503: 10 (queue_full 10)");
        }
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void outputDirectoryHoldsJsonCsvHgrmAndAMergeableIntervalLog(TransportKind transport, @TempDir Path dir)
            throws Exception {
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(1))) {
            Result result = client("--url", server.url().toString(), "--rate", "100", "--duration", "1500ms",
                    "--io-ms", "1", "--output", dir.toString(), "--label", "smoke",
                    "--transport", transport.wireName());

            assertThat(result.exitCode()).isZero();
            JsonNode json = new ObjectMapper().readTree(dir.resolve(ResultFiles.JSON_FILE).toFile());
            assertThat(json.get("schema_version").asInt()).isEqualTo(ResultDocument.SCHEMA_VERSION);
            assertThat(json.get("label").asText()).isEqualTo("smoke");
            assertThat(json.at("/settings/mode").asText()).isEqualTo("open");
            assertThat(json.at("/settings/url").asText()).endsWith("?io_ms=1");
            assertThat(json.at("/counts/sent").asLong()).isEqualTo(150);
            assertThat(json.at("/status_counts/200").asLong()).isEqualTo(150);
            assertThat(json.at("/environment/cores").asInt()).isPositive();
            assertThat(json.at("/histograms/latency/count").asLong()).isEqualTo(150);
            // Never faster than the schedule; how close it keeps to it is the benchmark's business, not a test's.
            assertThat(json.at("/schedule/achieved_rate_hz").asDouble()).isBetween(1.0, 100.5);
            assertThat(json.at("/settings/connections").asInt()).isEqualTo(100);
            assertThat(json.at("/schedule/connections").asInt()).isEqualTo(100);
            assertThat(json.at("/client_cpu_seconds").asDouble()).isPositive();
            assertThat(json.at("/client_cpu_per_10k_requests").asDouble()).isPositive();
            assertThat(json.at("/client_saturated").isBoolean()).isTrue();
            assertThat(json.at("/settings/transport").asText()).isEqualTo(transport.wireName());
            assertThat(json.at("/environment/transport").asText()).startsWith(transport.wireName() + " ");
            assertThat(json.at("/wakeup_latency/period_ms").asDouble()).isEqualTo(5.0);
            assertThat(json.at("/wakeup_latency/samples").isIntegralNumber()).isTrue();
            assertThat(json.at("/wakeup_latency/p99_ms").asDouble())
                    .isLessThanOrEqualTo(json.at("/wakeup_latency/max_ms").asDouble());
            assertThat(json.at("/client_limit/limited").isBoolean()).isTrue();
            assertThat(json.at("/client_limit/reasons").isArray()).isTrue();
            assertThat(json.at("/client_limit/limited").asBoolean()).isEqualTo(json.at("/client_saturated").asBoolean())
                    .isEqualTo(!json.at("/client_limit/reasons").isEmpty());
            ResultDocument document = ResultFiles.jsonMapper().readValue(
                    dir.resolve(ResultFiles.JSON_FILE).toFile(), ResultDocument.class);
            assertThat(document.histograms().get("latency").decode().getTotalCount()).isEqualTo(150);

            List<String> csv = Files.readAllLines(dir.resolve(ResultFiles.CSV_FILE));
            assertThat(csv).hasSize(2);
            // Fields are quoted where they hold a comma, as a limit's reason may.
            assertThat(csvFields(csv.get(0))).hasSameSizeAs(csvFields(csv.get(1)));
            assertThat(csv.get(0)).startsWith("start_time,label,mode")
                    .contains(",transport,io_threads,", ",client_limited,client_limit_reasons");
            assertThat(document.settings().ioThreads()).isEqualTo(transport == TransportKind.NETTY ? 1 : null);

            assertThat(Files.readString(dir.resolve("latency.hgrm"))).contains("#[Mean", "Value     Percentile");
            Histogram merged = new Histogram(3);
            try (HistogramLogReader log = new HistogramLogReader(dir.resolve("histograms.hlog").toFile())) {
                while (log.hasNext()) {
                    Histogram interval = (Histogram) log.nextIntervalHistogram();
                    if ("latency".equals(interval.getTag())) {
                        merged.add(interval);
                    }
                }
            }
            assertThat(merged.getTotalCount()).isEqualTo(150);
        }
    }

    @Test
    void negativeRateIsABadArgument() {
        Result result = client("--url", "http://127.0.0.1:9/", "--rate", "-5");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("client: --rate must be a number of requests per second in (0, 1000000]")
                .contains("Usage:").doesNotContain("Exception");
    }

    @Test
    void rateAndConcurrencyConflict() {
        Result result = client("--url", "http://127.0.0.1:9/", "--rate", "100", "--concurrency", "10");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("client: --rate and --concurrency conflict").contains("--connections");
    }

    @Test
    void connectionsWithoutRateIsABadArgument() {
        Result result = client("--url", "http://127.0.0.1:9/", "--connections", "10");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("client: --connections needs --rate");
    }

    @Test
    void connectionsOutOfRangeIsABadArgument() {
        Result result = client("--url", "http://127.0.0.1:9/", "--rate", "100", "--connections", "0");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("client: --connections must be in 1..100000");
    }

    @Test
    void unreachableUrlIsABadArgument() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Result result = client("--url", "http://127.0.0.1:" + closedPort + "/api/process_fifo", "-n", "10");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("client: --url http://127.0.0.1:" + closedPort
                + "/api/process_fifo cannot be reached: connection refused");
    }

    @Test
    void malformedUrlIsABadArgument() {
        assertThat(client("--url", "htp:/nowhere", "-n", "1").exitCode()).isEqualTo(2);
        Result result = client("--url", "http://127.0.0.1:8081/a b", "-n", "1");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("client: --url 'http://127.0.0.1:8081/a b' is not a URL");
    }

    @Test
    void badDurationAndUnknownOptionAreBadArguments() {
        assertThat(client("--url", "http://127.0.0.1:9/", "--duration", "ten").err())
                .contains("'ten' is not a duration");
        assertThat(client("--url", "http://127.0.0.1:9/", "--concurency", "5").exitCode()).isEqualTo(2);
        assertThat(client("--url", "http://127.0.0.1:9/", "--io-ms", "70000").err())
                .contains("--io-ms must be in 0..60000");
    }

    @Test
    void helpExitsZeroOnEveryCommand() {
        assertThat(client("--help").out()).contains("run", "commands");
        assertThat(client("--help").exitCode()).isZero();
        Result run = client("run", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--api_url", "--num_requests", "--rate", "--warmup", "--transport",
                "--io-threads");
        for (String command : commandNames()) {
            assertThat(client(command, "--help").exitCode()).as(command + " --help").isZero();
        }
    }

    @Test
    void noHelpOfTheLoadGeneratorWritesAPicocliWarning() {
        // picocli writes its warnings (a bad format in a description, say) to System.err itself.
        // The suite's commands leave this module for the suite module, which tests its own.
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            client("--help");
            for (String command : commandNames()) {
                Result result = client(command, "--help");
                assertThat(result.out() + result.err()).as(command).doesNotContain("[picocli WARN]");
            }
        } finally {
            System.setErr(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("[picocli WARN]");
    }

    @Test
    void ioThreadsAreANettyOption() {
        Result jdk = client("--url", "http://127.0.0.1:9/", "--transport", "jdk", "--io-threads", "2");
        assertThat(jdk.exitCode()).isEqualTo(2);
        assertThat(jdk.err()).startsWith("client: --io-threads needs --transport netty");
        Result tooMany = client("--url", "http://127.0.0.1:9/", "--io-threads", "65");
        assertThat(tooMany.exitCode()).isEqualTo(2);
        assertThat(tooMany.err()).startsWith("client: --io-threads must be in 1..64, got 65");
        assertThat(client("--url", "http://127.0.0.1:9/", "--transport", "carrier-pigeon").err())
                .contains("--transport", "NETTY", "JDK");
    }

    @Test
    void realtimeIsAnOpenLoopNettyOption() {
        Result closed = client("--url", "http://127.0.0.1:9/", "--concurrency", "5", "--realtime");
        assertThat(closed.exitCode()).isEqualTo(2);
        assertThat(closed.err()).startsWith("client: --realtime needs --rate");
        Result jdk = client("--url", "http://127.0.0.1:9/", "--rate", "10", "--transport", "jdk", "--realtime");
        assertThat(jdk.exitCode()).isEqualTo(2);
        assertThat(jdk.err()).startsWith("client: --realtime needs --transport netty");
        Result search = client("search", "--url", "http://127.0.0.1:9/", "--deadline", "1s", "--transport", "jdk",
                "--realtime");
        assertThat(search.exitCode()).isEqualTo(2);
        assertThat(search.err()).startsWith("client: --realtime needs --transport netty");
    }

    @Test
    void wakeGridIsAnOpenLoopNettyOptionOfATenthToAHundredMilliseconds() {
        Result closed = client("--url", "http://127.0.0.1:9/", "--concurrency", "5", "--wake-grid", "5ms");
        assertThat(closed.exitCode()).isEqualTo(2);
        assertThat(closed.err()).startsWith("client: --wake-grid needs --rate");
        Result jdk = client("--url", "http://127.0.0.1:9/", "--rate", "10", "--transport", "jdk", "--wake-grid", "5ms");
        assertThat(jdk.exitCode()).isEqualTo(2);
        assertThat(jdk.err()).startsWith("client: --wake-grid needs --transport netty");
        for (String outside : List.of("50us", "101ms", "1s")) {
            Result result = client("--url", "http://127.0.0.1:9/", "--rate", "10", "--wake-grid", outside);
            assertThat(result.exitCode()).as(outside).isEqualTo(2);
            assertThat(result.err()).as(outside).startsWith("client: --wake-grid must be in 100us..100ms, got ");
        }
        Result search = client("search", "--url", "http://127.0.0.1:9/", "--deadline", "1s", "--wake-grid", "0ms");
        assertThat(search.exitCode()).isEqualTo(2);
        assertThat(search.err()).startsWith("client: --wake-grid must be in 100us..100ms, got 0");
    }

    /**
     * A coarser grid sends in bunches: at 200 req/s (a slot every 5 ms) on a 50 ms grid the slots
     * between two wake-ups wait for the next. The wait is by design, so the late threshold is the
     * grid's step plus a gap, and the run says what grid it had.
     */
    @Test
    void aCoarserWakeGridSendsInBunchesAndSaysSo(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(0))) {
            Result result = client("--url", server.url().toString(), "--rate", "200", "--duration", "1s",
                    "--wake-grid", "50ms", "--quiet", "--output", dir.toString());

            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(result.out()).contains("netty transport, wake grid 50ms)");
            ResultDocument document = ResultFiles.jsonMapper().readValue(
                    dir.resolve(ResultFiles.JSON_FILE).toFile(), ResultDocument.class);
            assertThat(document.counts().sent()).isEqualTo(200);
            assertThat(document.settings().wakeGridMs()).isEqualTo(50.0);
            assertThat(document.schedule().lateThresholdMs()).isEqualTo(55.0);
            assertThat(document.histograms().get("dispatch_lag").p99Ms()).as("slots wait for the grid")
                    .isGreaterThan(25);
        }
    }

    /**
     * An answer's wake-up sends nothing the grid is armed to send: with answers coming back all
     * through each 50 ms step (each after 1 to 45 ms), the slots still wait for the grid, half a
     * step on average, where sending at every answer would send most within a few milliseconds
     * of their time (and wake the loop for each of their answers in turn).
     */
    @Test
    void answersBetweenTheGridsWakeUpsSendNothing(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(1 + n * 13 % 45))) {
            Result result = client("--url", server.url().toString(), "--rate", "200", "--duration", "2s",
                    "--connections", "50", "--wake-grid", "50ms", "--quiet", "--output", dir.toString());

            assertThat(result.exitCode()).as(result.err()).isZero();
            ResultDocument document = ResultFiles.jsonMapper().readValue(
                    dir.resolve(ResultFiles.JSON_FILE).toFile(), ResultDocument.class);
            assertThat(document.counts().sent()).isEqualTo(400);
            assertThat(document.histograms().get("dispatch_lag").p50Ms()).as("slots wait for the grid")
                    .isGreaterThan(15);
        }
    }

    /**
     * What a run with {@code --realtime} reports is what its event loop got, read back from the
     * kernel: real-time priority where this process may set it, otherwise the refusal, on stderr
     * and in the result, and the run itself complete either way.
     */
    @Test
    void realtimeRunSaysWhatPriorityItsEventLoopHad(@TempDir Path dir) throws Exception {
        boolean mayUseRealtime = RealtimePermission.granted();
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(0))) {
            Result result = client("--url", server.url().toString(), "--rate", "200", "--duration", "500ms",
                    "--realtime", "--quiet", "--output", dir.toString());

            assertThat(result.exitCode()).isZero();
            ResultDocument document = ResultFiles.jsonMapper().readValue(
                    dir.resolve(ResultFiles.JSON_FILE).toFile(), ResultDocument.class);
            assertThat(document.counts().sent()).isEqualTo(100);
            assertThat(document.settings().realtime()).isTrue();
            if (mayUseRealtime) {
                assertThat(document.environment().transport()).endsWith("1 event loop, SCHED_FIFO 1");
                assertThat(result.err()).doesNotContain("--realtime refused");
            } else {
                assertThat(document.environment().transport()).contains("normal priority (--realtime refused: ");
                assertThat(result.err()).startsWith("client: --realtime refused (");
            }
        }
    }

    @Test
    void withoutRealtimeTheSettingIsAbsentAndNothingIsSaid(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(0))) {
            Result result = client("--url", server.url().toString(), "--rate", "200", "--duration", "200ms",
                    "--quiet", "--output", dir.toString());

            assertThat(result.exitCode()).isZero();
            ResultDocument document = ResultFiles.jsonMapper().readValue(
                    dir.resolve(ResultFiles.JSON_FILE).toFile(), ResultDocument.class);
            assertThat(document.settings().realtime()).isNull();
            assertThat(document.settings().wakeGridMs()).as("the default grid").isEqualTo(1.0);
            assertThat(document.schedule().lateThresholdMs()).isEqualTo(6.0); // 1 ms plus a 5 ms gap
            assertThat(document.environment().transport()).endsWith("1 event loop");
            assertThat(result.err()).isEmpty();
        }
    }

    /** The fields of one RFC 4180 line: commas inside double quotes do not split. */
    private static List<String> csvFields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted; // a doubled quote inside a field toggles twice
            } else if (c == ',' && !quoted) {
                fields.add(field.toString());
                field.setLength(0);
                continue;
            }
            field.append(c);
        }
        fields.add(field.toString());
        return fields;
    }

    /** Every subcommand a user is shown, whoever adds it: the hidden pointers to the suite module ({@code suite}, {@code report}) are not commands. */
    private static List<String> commandNames() {
        return new CommandLine(new ClientMain()).getSubcommands().entrySet().stream()
                .filter(command -> !command.getValue().getCommandSpec().usageMessage().hidden())
                .map(Map.Entry::getKey).toList();
    }

    @Test
    void commandsPrintsServersTimesDisciplinesTimesConcurrencyLevels() {
        Result result = client("commands");

        List<String> lines = result.out().lines().toList();
        assertThat(result.exitCode()).isZero();
        assertThat(lines).hasSize(4 * 4 * 5);
        assertThat(lines).contains("java -jar client/target/client.jar --url http://127.0.0.1:8082/api/process_lifo"
                + " --requests 1000 --concurrency 50 --label virtual-threads-lifo-c50"
                + " --output results/virtual-threads-lifo-c50");
        assertThat(lines).anyMatch(line -> line.contains("http://127.0.0.1:8080/api/process/adaptive-lifo"));
    }

    @Test
    void commandsRejectsAnUnknownDiscipline() {
        Result result = client("commands", "--disciplines", "fifo,random");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("unknown discipline 'random'");
    }
}
