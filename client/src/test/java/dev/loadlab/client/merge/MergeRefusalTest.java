package dev.loadlab.client.merge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.loadlab.client.TestServer;
import dev.loadlab.client.TestServer.Answer;
import dev.loadlab.client.output.BackendIntervalsFile;
import dev.loadlab.client.output.IntervalLogFile;
import dev.loadlab.client.output.ResultDocument;
import dev.loadlab.client.output.ResultFiles;

/** What 'client merge' refuses (exit 2, the reason on the first line of stderr), and what it adds. */
class MergeRefusalTest {
    @TempDir
    static Path dir;
    private static Path first;
    private static Path second;

    /** Generators 0/2 and 1/2 of a closed loop of 20 requests over 2 connections, answered by backends b0 and b1 in turn. */
    @BeforeAll
    static void twoGenerators() throws IOException {
        try (TestServer server = TestServer.start((n, elapsed) -> {
            Answer ok = Answer.ok(0);
            return new Answer(ok.status(), ok.body(), ok.delayMillis(), "b" + n % 2);
        })) {
            first = generator(server, 0);
            second = generator(server, 1);
        }
    }

    private static Path generator(TestServer server, int index) {
        Path output = dir.resolve("g" + index);
        var result = FleetMergeTest.client(List.of("--url", server.url().toString(), "-n", "20", "-c", "2", "-q",
                "--generator", index + "/2", "-o", output.toString()));
        assertThat(result.exitCode()).as(result.err()).isZero();
        return output;
    }

    private static String refusal(Path... inputs) {
        List<String> args = new ArrayList<>(List.of("merge"));
        for (Path input : inputs) {
            args.add(input.toString());
        }
        var result = FleetMergeTest.client(args);
        assertThat(result.exitCode()).as(result.out()).isEqualTo(2);
        return result.err().lines().findFirst().orElse("");
    }

    /** A copy of {@code source} whose result.json is edited by {@code edit}. */
    private static Path copy(Path source, String name, Consumer<ObjectNode> edit) throws IOException {
        Path target = dir.resolve(name);
        Files.createDirectories(target);
        Files.copy(source.resolve(IntervalLogFile.FILE_NAME), target.resolve(IntervalLogFile.FILE_NAME));
        Files.copy(source.resolve(BackendIntervalsFile.FILE_NAME), target.resolve(BackendIntervalsFile.FILE_NAME));
        var mapper = ResultFiles.jsonMapper();
        ObjectNode json = (ObjectNode) mapper.readTree(source.resolve(ResultFiles.JSON_FILE).toFile());
        edit.accept(json);
        mapper.writeValue(target.resolve(ResultFiles.JSON_FILE).toFile(), json);
        return target;
    }

    @Test
    void theTwoSharesOfAClosedLoopAddUpToItsRequests() throws IOException {
        var result = FleetMergeTest.client(List.of("merge", "-o", dir.resolve("merged").toString(),
                second.toString(), first.toString()));

        assertThat(result.exitCode()).as(result.err()).isZero();
        ResultDocument generator = ResultFiles.jsonMapper().readValue(first.resolve(ResultFiles.JSON_FILE).toFile(),
                ResultDocument.class);
        assertThat(generator.counts().sent()).isEqualTo(10);
        assertThat(generator.settings().requests()).isEqualTo(20);
        assertThat(generator.generator().count()).isEqualTo(2);
        ResultDocument merged = ResultFiles.jsonMapper().readValue(
                dir.resolve("merged").resolve(ResultFiles.JSON_FILE).toFile(), ResultDocument.class);
        assertThat(merged.counts().sent()).isEqualTo(20);
        assertThat(merged.counts().successful()).isEqualTo(20);
        assertThat(merged.histograms().get("latency").count()).isEqualTo(20);
        assertThat(merged.schedule()).isNull();
        assertThat(merged.backends()).containsOnlyKeys("b0", "b1");
        assertThat(answersByBackend(dir.resolve("merged"))).as("backends.csv adds up to the result's backends")
                .isEqualTo(merged.backends());
    }

    private static Map<String, Long> answersByBackend(Path folder) throws IOException {
        Map<String, Long> sums = new TreeMap<>();
        BackendIntervalsFile.read(folder.resolve(BackendIntervalsFile.FILE_NAME))
                .forEach(line -> sums.merge(line.backend(), line.answers(), Long::sum));
        return sums;
    }

    @Test
    void eachGeneratorsAnswersPerBackendGoToTheSecondOfTheSharedStartTheyBeganIn() throws IOException {
        merged(first, laterTwin("later-3s", 3_000));

        List<BackendIntervalsFile.Answers> own = BackendIntervalsFile.read(first.resolve(BackendIntervalsFile.FILE_NAME));
        Map<String, Long> expected = new TreeMap<>();
        for (BackendIntervalsFile.Answers line : own) {
            expected.merge(Math.round(line.fromSeconds()) + "s " + line.backend(), line.answers(), Long::sum);
            expected.merge(Math.round(line.fromSeconds() + 3) + "s " + line.backend(), line.answers(), Long::sum);
        }
        Map<String, Long> lines = new TreeMap<>();
        BackendIntervalsFile.read(dir.resolve("merged-later-3s").resolve(BackendIntervalsFile.FILE_NAME)).forEach(line ->
                lines.put(Math.round(line.fromSeconds()) + "s " + line.backend(), line.answers()));
        assertThat(own).as("precondition: generator 0 heard from both backends").hasSizeGreaterThanOrEqualTo(2);
        assertThat(lines).as("generator 0's seconds, and its twin's 3 s later, added per second and backend")
                .isEqualTo(expected);
    }

    @Test
    void aGeneratorWithoutBackendsCsvLeavesTheMergeWithoutOneAndSaysSo() throws IOException {
        Path twin = laterTwin("no-backends", 20);
        Files.delete(twin.resolve(BackendIntervalsFile.FILE_NAME));

        ResultDocument merge = merged(first, twin);

        assertThat(dir.resolve("merged-no-backends").resolve(BackendIntervalsFile.FILE_NAME)).doesNotExist();
        assertThat(merge.merge().warnings()).containsExactly("generator 1/2 wrote no backends.csv: the merge writes"
                + " none (the others' alone would be a share of the load)");
    }

    /** Generator 0's result again, as generator 1 that began {@code laterMillis} after it. */
    private static Path laterTwin(String name, long laterMillis) throws IOException {
        return copy(first, name, json -> {
            ((ObjectNode) json.get("generator")).put("index", 1);
            json.put("start_time", Instant.parse(json.get("start_time").asText()).plusMillis(laterMillis).toString());
        });
    }

    private static ResultDocument merged(Path... inputs) throws IOException {
        Path output = dir.resolve("merged-" + inputs[inputs.length - 1].getFileName());
        List<String> args = new ArrayList<>(List.of("merge", "-o", output.toString()));
        for (Path input : inputs) {
            args.add(input.toString());
        }
        var result = FleetMergeTest.client(args);
        assertThat(result.exitCode()).as(result.err()).isZero();
        return ResultFiles.jsonMapper().readValue(output.resolve(ResultFiles.JSON_FILE).toFile(), ResultDocument.class);
    }

    @Test
    void startsThatDisagreeByMoreThanTheToleranceAreFlagged() throws IOException {
        ResultDocument merge = merged(first, laterTwin("later-200ms", 200));

        assertThat(merge.merge().startSpreadMs()).isEqualTo(200);
        assertThat(merge.merge().warnings()).containsExactly("generator 1/2 began 200.00ms after generator 0/2,"
                + " more than the 50ms tolerance: their starts (or their clocks) disagree; its intervals are aligned"
                + " to the nearest second of the shared start");
        assertThat(merge.startTime()).isEqualTo(
                ResultFiles.jsonMapper().readTree(first.resolve(ResultFiles.JSON_FILE).toFile()).get("start_time")
                        .asText());
    }

    @Test
    void startsWithinTheToleranceAreNotFlagged() throws IOException {
        ResultDocument merge = merged(first, laterTwin("later-20ms", 20));

        assertThat(merge.merge().startSpreadMs()).isEqualTo(20);
        assertThat(merge.merge().warnings()).isEmpty();
        assertThat(merge.counts().sent()).isEqualTo(20);
    }

    @Test
    void aMissingGeneratorIsRefused() {
        assertThat(refusal(first)).isEqualTo("client: cannot merge: generator 1/2 missing: a merge needs all 2"
                + " results of the fleet");
    }

    @Test
    void aGeneratorGivenTwiceIsRefused() throws IOException {
        Path twin = copy(first, "twin", json -> { });

        assertThat(refusal(first, twin)).startsWith("client: cannot merge: generator 0/2 is given twice: ");
    }

    @Test
    void anotherTargetIsRefused() throws IOException {
        Path elsewhere = copy(second, "elsewhere",
                json -> ((ObjectNode) json.get("settings")).put("url", "http://127.0.0.1:9/api/process_lifo"));

        assertThat(refusal(first, elsewhere)).contains("ran different loads: settings.url is",
                "http://127.0.0.1:9/api/process_lifo");
    }

    @Test
    void anotherSettingIsRefused() throws IOException {
        Path slower = copy(second, "slower", json -> ((ObjectNode) json.get("settings")).put("timeout_ms", 999));

        assertThat(refusal(first, slower)).contains("ran different loads: settings.timeout_ms is 10000 in one, 999");
    }

    @Test
    void anotherStartIsRefused() throws IOException {
        Path later = copy(second, "later",
                json -> ((ObjectNode) json.get("generator")).put("start_at", "2026-12-02T10:00:00Z"));

        assertThat(refusal(first, later)).contains("did not share one timetable: --start-at null in one,"
                + " 2026-12-02T10:00:00Z in the other");
    }

    @Test
    void anotherFleetSizeIsRefused() throws IOException {
        Path ofThree = copy(second, "of-three", json -> ((ObjectNode) json.get("generator")).put("count", 3));

        assertThat(refusal(first, ofThree)).endsWith("is generator 0/2 but " + ofThree + " is 1/3: not one fleet");
    }

    @Test
    void aFolderWithoutAResultIsRefused() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));

        assertThat(refusal(first, empty)).isEqualTo("client: cannot merge: " + empty
                + " holds no result.json: give the --output folders of 'client run'");
    }

    @Test
    void aMergedResultIsNotMergedAgain() throws IOException {
        Path merged = dir.resolve("merged-once");
        assertThat(FleetMergeTest.client(List.of("merge", "-o", merged.toString(), first.toString(),
                second.toString())).exitCode()).isZero();

        assertThat(refusal(merged, second)).endsWith(merged + " is already a merged result: merge the generators' own");
    }

    @Test
    void theOutputMayNotBeAnInput() {
        var result = FleetMergeTest.client(List.of("merge", "-o", first.toString(), first.toString(),
                second.toString()));

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("client: --output " + first + " is one of the inputs");
    }

    @Test
    void mergeNeedsAFolderAndADuration() {
        var none = FleetMergeTest.client(List.of("merge"));
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).startsWith("client: Missing required parameter: 'DIR'");
        var tolerance = FleetMergeTest.client(List.of("merge", "--start-tolerance", "soon", first.toString()));
        assertThat(tolerance.exitCode()).isEqualTo(2);
        assertThat(tolerance.err()).contains("'soon' is not a duration");
    }
}
