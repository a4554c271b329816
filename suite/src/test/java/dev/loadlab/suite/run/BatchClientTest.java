package dev.loadlab.suite.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The suite's side of {@code client.jar batch}, against stand-ins for the client written in
 * bash: what each answers, and what happens to a process that hangs or dies.
 */
class BatchClientTest {
    @TempDir
    Path logs;

    private CpuSampler sampler;

    @BeforeEach
    void startSampler() {
        sampler = new CpuSampler();
    }

    @AfterEach
    void stopSampler() {
        sampler.close();
    }

    private BatchClient batch(String script) {
        return new BatchClient(List.of("bash", "-c", script), logs.resolve("client-batch.log"), sampler);
    }

    @Test
    void commandsShareOneProcessAndEachGetsItsExitCode() throws Exception {
        // Answers each line with the number of lines read so far as the exit code.
        try (BatchClient batch = batch("n=0; while read -r line; do n=$((n+1)); echo \"{\\\"exit\\\": $n}\"; done")) {
            BatchClient.Call first = batch.submit(List.of("run", "--url", "http://127.0.0.1:1/"), logs.resolve("a.log"));
            BatchClient.Answer firstAnswer = first.await(Duration.ofSeconds(30));
            BatchClient.Call second = batch.submit(List.of("search", "--url", "http://127.0.0.1:1/"),
                    logs.resolve("b.log"));
            BatchClient.Answer secondAnswer = second.await(Duration.ofSeconds(30));

            assertThat(firstAnswer).isEqualTo(new BatchClient.Answer(1, null));
            assertThat(secondAnswer).isEqualTo(new BatchClient.Answer(2, null));
            assertThat(second.process()).isSameAs(first.process());
            assertThat(first.process().alive()).isTrue();
        }
    }

    @Test
    void aCommandPastItsBoundHasItsProcessStoppedAndTheNextGetsANewOne() throws Exception {
        // Hangs on the first line (becoming sleep, so that stopping it leaves nothing behind).
        try (BatchClient batch = batch("read -r line; exec sleep 600")) {
            BatchClient.Call hung = batch.submit(List.of("run"), logs.resolve("a.log"));
            BatchClient.Answer answer = hung.await(Duration.ofMillis(300));

            assertThat(answer.exitCode()).isNull();
            assertThat(answer.problem()).isEqualTo("the client did not finish within 300 ms and was stopped");
            assertThat(hung.process().alive()).isFalse();

            BatchClient.Call next = batch.submit(List.of("run"), logs.resolve("b.log"));
            assertThat(next.process()).isNotSameAs(hung.process());
            assertThat(next.process().alive()).isTrue();
        }
    }

    @Test
    void aProcessThatEndsDuringACommandIsReportedWithItsExitCode() throws Exception {
        try (BatchClient batch = batch("read -r line; exit 3")) {
            BatchClient.Call call = batch.submit(List.of("run"), logs.resolve("a.log"));
            BatchClient.Answer answer = call.await(Duration.ofSeconds(30));

            assertThat(answer.exitCode()).isNull();
            assertThat(answer.problem()).isEqualTo(
                    "the client process ended during the command (exit code 3); see logs/client-batch.log");
        }
    }

    @Test
    void aRefusedLineIsWrittenToTheCommandsLog() throws Exception {
        try (BatchClient batch = batch("while read -r line; do echo '{\"exit\": 2, \"error\": \"no such thing\"}'; done")) {
            BatchClient.Answer answer = batch.submit(List.of("run"), logs.resolve("a.log")).await(Duration.ofSeconds(30));

            assertThat(answer).isEqualTo(new BatchClient.Answer(2, null));
            assertThat(Files.readString(logs.resolve("a.log"))).isEqualTo("client batch: no such thing\n");
        }
    }

    @Test
    void closingStopsTheProcess() throws Exception {
        BatchClient batch = batch("while read -r line; do echo '{\"exit\": 0}'; done");
        BatchClient.Call call = batch.submit(List.of("run"), logs.resolve("a.log"));
        call.await(Duration.ofSeconds(30));

        batch.close();

        assertThat(call.process().alive()).isFalse();
    }
}
