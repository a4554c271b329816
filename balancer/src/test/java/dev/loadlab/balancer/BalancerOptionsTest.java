package dev.loadlab.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loadlab.api.lane.LaneSettings;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import org.junit.jupiter.api.Test;

/**
 * The balancer takes the listener and queue options the servers take, from the same mixins, so
 * the two can no longer drift apart: the same checks, the same messages.
 */
class BalancerOptionsTest {
    private static final String BACKENDS = "--backends=http://127.0.0.1:9";

    @Test
    void aBlankHostIsRefusedAsTheServersRefuseIt() {
        assertThatThrownBy(() -> settings("--host", " ", BACKENDS))
                .isInstanceOf(ParameterException.class).hasMessage("--host must not be empty");
    }

    @Test
    void anInstanceNameLongerThan64CharactersIsRefused() {
        assertThatThrownBy(() -> settings("--instance", "b".repeat(65), BACKENDS))
                .isInstanceOf(ParameterException.class).hasMessage("--instance must be 1 to 64 characters");
        assertThat(settings("--instance", "b".repeat(64), BACKENDS).instance()).hasSize(64);
    }

    @Test
    void theQueueOptionsBuildTheOneLaneWithNoWorkers() {
        BalancerSettings settings = settings("--queue-capacity", "7", "--queue-timeout-ms", "250",
                "--codel-interval-ms", "50", "--codel-target-ms", "3", BACKENDS);
        assertThat(settings.queue()).isEqualTo(new LaneSettings(0, 7, 250, 50, 3));
        assertThatThrownBy(() -> settings("--queue-capacity", "-1", BACKENDS))
                .isInstanceOf(ParameterException.class).hasMessageStartingWith("--queue-capacity");
    }

    private static BalancerSettings settings(String... args) {
        Balancer balancer = new Balancer();
        new CommandLine(balancer).parseArgs(args);
        return balancer.settings();
    }
}
