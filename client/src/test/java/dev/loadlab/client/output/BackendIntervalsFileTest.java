package dev.loadlab.client.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.loadlab.client.record.RunRecorder;

/** {@code backends.csv}: each interval's answers per backend, from the run's running totals. */
class BackendIntervalsFileTest {

    @Test
    void eachLineIsTheIntervalsOwnAnswersNotTheRunningTotal(@TempDir Path directory) throws Exception {
        BackendIntervalsFile file = new BackendIntervalsFile(directory);
        file.started(0);
        file.interval(0, 1_000_000_000L, Map.of(), counts(Map.of("b1", 10L, "b2", 30L)));
        // b1 gives nothing in the second interval; b3 answers for the first time.
        file.interval(1_000_000_000L, 2_000_000_000L, Map.of(), counts(Map.of("b1", 10L, "b2", 45L, "b3", 2L)));
        file.interval(2_000_000_000L, 2_500_000_000L, Map.of(), counts(Map.of("b1", 11L, "b2", 45L, "b3", 2L)));
        file.finished();

        assertThat(file.failed()).isFalse();
        assertThat(Files.readAllLines(directory.resolve(BackendIntervalsFile.FILE_NAME))).containsExactly(
                "from_s,to_s,backend,answers",
                "0.000,1.000,b1,10", "0.000,1.000,b2,30",
                "1.000,2.000,b2,15", "1.000,2.000,b3,2",
                "2.000,2.500,b1,1");
    }

    @Test
    void answersWithoutXBackendLeaveTheHeaderAlone(@TempDir Path directory) throws Exception {
        BackendIntervalsFile file = new BackendIntervalsFile(directory);
        file.started(0);
        file.interval(0, 1_000_000_000L, Map.of(), counts(Map.of()));
        file.finished();
        assertThat(Files.readAllLines(directory.resolve(BackendIntervalsFile.FILE_NAME)))
                .containsExactly(BackendIntervalsFile.HEADER);
    }

    private static RunRecorder.Counts counts(Map<String, Long> backends) {
        long answers = backends.values().stream().mapToLong(Long::longValue).sum();
        return new RunRecorder.Counts(answers, answers, 0, 0, Map.of(), Map.of(), Map.of(), backends);
    }
}
