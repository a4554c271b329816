package dev.loadlab.suite.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    @Test
    void beforeAnythingRanTheEstimateIsThePlansSecondsAndTheAssumedOverheads() {
        Progress progress = new Progress(out, false, 10, 2, 4.0, 3.0);
        assertThat(progress.secondsLeft()).isEqualTo(10 * (4.0 + 1.5) + 2 * (3.0 + 2.0));
    }

    @Test
    void offATerminalEachFinishedRunIsOneLineWithItsPlaceInThePlan() {
        Progress progress = new Progress(out, false, 3, 1, 0, 0);
        progress.runStarted("overload-async-lifo-120pct", 2);
        progress.runFinished("1,507 req/s  p99 1,001.50 ms");
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .isEqualTo(String.format("  [1/3] %-48s %s%n", "overload-async-lifo-120pct #2",
                        "1,507 req/s  p99 1,001.50 ms"));
    }

    @Test
    void onATerminalOneLiveLineIsRewrittenInPlace() {
        Progress progress = new Progress(out, true, 3, 0, 0, 0);
        progress.runStarted("models-async-fifo-c10", 0);
        progress.runFinished("900 req/s");
        String shown = printed.toString(StandardCharsets.UTF_8);
        assertThat(shown).doesNotContain("\n").contains("\r\033[Krun 1 of 3  models-async-fifo-c10")
                .endsWith("| last: 900 req/s");
        assertThat(shown).contains("run 2 of 3");
    }

    @Test
    void runsAndSetupsDoneAreLeftOutOfTheEstimate() {
        Progress progress = new Progress(out, false, 2, 1, 1.0, 0);
        progress.setupDone(0);
        progress.runStarted("a", 0);
        progress.runFinished("ok");
        // One run left; the one that ran took no longer than its plan (under a second), so no overhead.
        assertThat(progress.secondsLeft()).isBetween(1.0, 1.0 + 1.0);
    }

    @Test
    void theClockReadsMinutesAndSeconds() {
        assertThat(Progress.clock(65)).isEqualTo("1:05");
        assertThat(Progress.clock(3_725)).isEqualTo("1:02:05");
    }
}
