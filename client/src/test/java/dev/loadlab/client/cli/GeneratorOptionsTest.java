package dev.loadlab.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import dev.loadlab.client.ClientMain;
import dev.loadlab.client.TestServer;
import dev.loadlab.client.TestServer.Answer;

/** --generator and --start-at: a bad value is one line naming the allowed form, and exit 2. */
class GeneratorOptionsTest {

    private static String badArgument(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = ClientMain.execute(args, new PrintWriter(out), new PrintWriter(err));
        assertThat(exitCode).as(out.toString()).isEqualTo(2);
        assertThat(err.toString()).doesNotContain("Exception");
        return err.toString().lines().findFirst().orElse("");
    }

    @Test
    void generatorIndexMustLieInsideTheFleet() {
        assertThat(badArgument("--url", "http://127.0.0.1:9/", "--generator", "3/3"))
                .isEqualTo("client: Invalid value for option '--generator': '3/3' is not I/N with N in 1..10000"
                        + " and I in 0..N-1, e.g. 0/3 for the first of three generators");
        assertThat(badArgument("--url", "http://127.0.0.1:9/", "--generator", "0/0")).contains("'0/0' is not I/N");
        assertThat(badArgument("--url", "http://127.0.0.1:9/", "--generator", "2")).contains("'2' is not I/N");
        assertThat(badArgument("--url", "http://127.0.0.1:9/", "--generator", "-1/3")).contains("'-1/3' is not I/N");
    }

    @Test
    void startAtIsAnInstantOrEpochMilliseconds() {
        assertThat(badArgument("--url", "http://127.0.0.1:9/", "--start-at", "tomorrow"))
                .isEqualTo("client: Invalid value for option '--start-at': 'tomorrow' is neither an ISO-8601 instant"
                        + " (e.g. 2026-12-02T10:00:00Z) nor epoch milliseconds (e.g. 1796205600000)");
        assertThat(badArgument("--url", "http://127.0.0.1:9/", "--start-at", "2026-12-02 10:00"))
                .contains("is neither an ISO-8601 instant");
    }

    @Test
    void aShareMayNotBeEmpty() throws Exception {
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(0))) {
            String url = server.url().toString();
            assertThat(badArgument("--url", url, "-c", "2", "--generator", "0/3"))
                    .isEqualTo("client: --concurrency 2 cannot be shared by 3 generators: each needs at least one;"
                            + " give at least 3");
            assertThat(badArgument("--url", url, "-c", "3", "-n", "2", "--generator", "1/3"))
                    .startsWith("client: --requests 2 cannot be shared by 3 generators");
            assertThat(badArgument("--url", url, "--rate", "10", "--connections", "2", "--generator", "2/3"))
                    .startsWith("client: --connections 2 cannot be shared by 3 generators");
        }
    }
}
