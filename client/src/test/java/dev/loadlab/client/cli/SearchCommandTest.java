package dev.loadlab.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.loadlab.client.ClientMain;
import dev.loadlab.client.TestServer;
import dev.loadlab.client.TestServer.Answer;
import dev.loadlab.client.output.ResultFiles;
import dev.loadlab.client.search.SearchDocument;

class SearchCommandTest {

    private record Result(int exitCode, String out, String err) {
    }

    private static Result client(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = ClientMain.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(exitCode, out.toString(), err.toString());
    }

    @Test
    void findsTheCapacityOfFourWorkersOfTwentyMillisecondsAndWritesEveryStep(@TempDir Path output) throws Exception {
        // 4 threads, 20 ms each: at most 200 answers a second. Past that its queue grows without bound,
        // until the 200 ms deadline; a step of 1.5 s (warm-up included) sees an excess of more than
        // 200 x 0.2 / 1.5 = 27 req/s, so the answer lies between the bisection's start (100) and 227.
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(20), 4)) {
            Result result = client("search", "--url", server.url().toString(), "--deadline", "200ms",
                    "--start-rate", "50", "--step-duration", "1s", "--step-warmup", "500ms", "--max-steps", "8",
                    "--precision", "0.1", "--output", output.toString());

            assertThat(result.exitCode()).isZero();
            assertThat(result.err()).isEmpty();
            assertThat(result.out()).contains("step  1  rise ", "step  2  rise ", "pass", "fail", "Capacity: ");
            SearchDocument search = ResultFiles.jsonMapper().readValue(
                    output.resolve(SearchDocument.FILE_NAME).toFile(), SearchDocument.class);
            assertThat(search.capacityRps()).isBetween(100.0, 227.0);
            assertThat(search.lowestFailRps()).isGreaterThan(search.capacityRps());
            assertThat(search.steps()).hasSizeBetween(4, 8);
            assertThat(search.steps().get(0).rateHz()).isEqualTo(50);
            assertThat(search.steps().get(0).passed()).isTrue();
            for (var step : search.steps()) {
                assertThat(output.resolve(step.resultDir()).resolve(ResultFiles.JSON_FILE)).exists();
                assertThat((double) step.sent()).isCloseTo(step.rateHz(), within(1.0));
            }
        }
    }

    @Test
    void afterAFailedStepTheNextWaitsUntilTheServerHasWorkedOffWhatItLeft(@TempDir Path output) throws Exception {
        // 4 threads, 20 ms each: 200 answers a second. 1.5 s at 800 req/s queue about 900 requests the
        // server still serves after their clients have left: about 4.5 s of backlog, during which a lone
        // request waits behind it, far past the 200 ms deadline.
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(20), 4)) {
            Result result = client("search", "--url", server.url().toString(), "--deadline", "200ms",
                    "--start-rate", "800", "--step-duration", "1s", "--step-warmup", "500ms", "--max-steps", "2",
                    "--output", output.toString());

            assertThat(result.exitCode()).isZero();
            SearchDocument search = ResultFiles.jsonMapper().readValue(
                    output.resolve(SearchDocument.FILE_NAME).toFile(), SearchDocument.class);
            assertThat(search.idleLatencyMs()).isBetween(20.0, 200.0);
            assertThat(search.settledBelowMs()).isEqualTo(Math.max(2 * search.idleLatencyMs(),
                    search.idleLatencyMs() + 5));
            assertThat(search.settleLimitMs()).isEqualTo(10_000);
            assertThat(search.steps()).hasSize(2);
            assertThat(search.steps().get(0).passed()).isFalse();
            assertThat(search.steps().get(0).settleMs()).isZero();
            assertThat(search.steps().get(1).settleMs()).as("the backlog's drain").isGreaterThan(1_000);
            assertThat(search.steps().get(1).settled()).isTrue();
            assertThat(result.out()).contains("Idle latency ", "after a failed step the next waits", "of settling");
        }
    }

    @Test
    void aStepWhoseAnswersComeJustInsideTheDeadlineFailsTheLatencyCriterion() throws Exception {
        // Every answer takes 300 ms: all within the 1 s deadline, none within a 200 ms p99.
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(300), 64)) {
            Result result = client("search", "--url", server.url().toString(), "--deadline", "1s",
                    "--slo-p99", "200ms", "--start-rate", "20", "--step-duration", "1s", "--step-warmup", "500ms",
                    "--max-steps", "1");

            assertThat(result.exitCode()).isZero();
            assertThat(result.out()).contains("p99 within 200ms", "good       20 (100.0%)",
                    "over the 200.00 ms criterion", "Capacity: none found");
        }
    }

    @Test
    void badArgumentsAreOneLineAndExitCode2() throws Exception {
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(1))) {
            Result result = client("search", "--url", server.url().toString(), "--deadline", "1s",
                    "--slo-goodput", "1.5");

            assertThat(result.exitCode()).isEqualTo(2);
            assertThat(result.err()).startsWith("client: --slo-goodput must be a fraction in (0, 1], got 1.5");
            assertThat(result.out()).isEmpty();
        }
        assertThat(client("search", "--url", "http://127.0.0.1:1/").err()).contains("--deadline");
        assertThat(client("search", "--url", "http://127.0.0.1:1/", "--deadline", "1s", "--slo-p99", "2s").err())
                .startsWith("client: --slo-p99 must be more than 0 and at most --deadline 1s, got 2s");
    }

    @Test
    void theHelpSaysHowLongASearchMayTake() {
        Result result = client("search", "--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("--max-steps", "--step-duration", "--slo-goodput", "at most");
    }
}
