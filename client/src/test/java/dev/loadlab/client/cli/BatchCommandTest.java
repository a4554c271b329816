package dev.loadlab.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.loadlab.client.TestServer;
import dev.loadlab.client.TestServer.Answer;

class BatchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Batch(List<JsonNode> answers, String diagnostics) {
    }

    private static Batch batch(String... lines) throws Exception {
        StringWriter answers = new StringWriter();
        StringWriter diagnostics = new StringWriter();
        BatchCommand.serve(new BufferedReader(new StringReader(String.join("\n", lines) + "\n")),
                new PrintWriter(answers), new PrintWriter(diagnostics));
        List<JsonNode> parsed = answers.toString().lines().map(line -> {
            try {
                return JSON.readTree(line);
            } catch (Exception e) {
                throw new AssertionError("an answer that is not JSON: " + line, e);
            }
        }).toList();
        return new Batch(parsed, diagnostics.toString());
    }

    private static String line(List<String> args, Path log) throws Exception {
        return JSON.writeValueAsString(log == null ? Map.of("args", args)
                : Map.of("args", args, "log", log.toString()));
    }

    @Test
    void runsEachLineInTurnWritingItsOutputToItsLogAndAnsweringItsExitCode(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(1))) {
            String url = server.url().toString();
            Batch batch = batch(
                    line(List.of("run", "--url", url, "-n", "30", "-c", "3", "--output", dir.resolve("a").toString()),
                            dir.resolve("a.log")),
                    "",
                    line(List.of("run", "--url", url, "--rate", "50", "--duration", "500ms", "--output",
                            dir.resolve("b").toString()), dir.resolve("b.log")));

            assertThat(batch.answers()).hasSize(2);
            assertThat(batch.answers()).allSatisfy(answer -> assertThat(answer.get("exit").asInt()).isZero());
            assertThat(server.received()).isEqualTo(30 + 25);
            assertThat(Files.readString(dir.resolve("a.log"))).contains("Successful Requests: 30");
            assertThat(Files.readString(dir.resolve("b.log"))).contains("Successful Requests: 25");
            assertThat(dir.resolve("a").resolve("result.json")).exists();
            assertThat(dir.resolve("b").resolve("result.json")).exists();
            assertThat(batch.diagnostics()).isEmpty();
        }
    }

    @Test
    void aCommandsBadArgumentsAreItsExitCodeAndItsLogsOneLineAndTheBatchGoesOn(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start((n, elapsed) -> Answer.ok(0))) {
            Batch batch = batch(
                    line(List.of("run", "--url", server.url().toString(), "--rate", "-5"), dir.resolve("bad.log")),
                    line(List.of("run", "--url", server.url().toString(), "-n", "5"), null));

            assertThat(batch.answers()).extracting(answer -> answer.get("exit").asInt()).containsExactly(2, 0);
            assertThat(Files.readString(dir.resolve("bad.log"))).startsWith("client: --rate must be");
            assertThat(batch.diagnostics()).contains("Successful Requests: 5");
            assertThat(server.received()).isEqualTo(5);
        }
    }

    @Test
    void aLineThatIsNoCommandIsAnsweredWithExitCodeTwoAndWhy() throws Exception {
        Batch batch = batch("not json", "[\"run\"]", "{\"args\": []}", "{\"args\": [\"run\", 3]}",
                "{\"args\": [\"batch\"]}", "{\"args\": [\"merge\", \"a\"]}", "{\"args\": [\"run\"], \"log\": 7}");

        assertThat(batch.answers()).hasSize(7);
        assertThat(batch.answers()).allSatisfy(answer -> assertThat(answer.get("exit").asInt()).isEqualTo(2));
        assertThat(batch.answers()).extracting(answer -> answer.get("error").asText()).containsExactly(
                "not a JSON object: Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or"
                        + " token 'null', 'true' or 'false')",
                "not a JSON object: [\"run\"]",
                "\"args\" must be a non-empty array of strings",
                "\"args\" must be a non-empty array of strings, got 3",
                "a batch runs run or search commands, got 'batch'",
                "a batch runs run or search commands, got 'merge'",
                "\"log\" must be a file name, got 7");
    }
}
