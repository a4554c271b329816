package dev.loadlab.suite.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class SuitePlanTest {
    private static final Path HOME = Path.of(".");

    @Test
    void openLoopsAskForRealTimeEventLoopsOnlyWhenTurnedOn() {
        assertThat(SuitePlan.builder(HOME, HOME).build().openLoopClientOptions()).isEmpty();
        assertThat(SuitePlan.builder(HOME, HOME).clientRealtime(true).build().openLoopClientOptions())
                .containsExactly("--realtime");
    }
}
