package dev.loadlab.client.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

class GeneratorTest {

    private static Generator generator(int index, int count) {
        return new Generator(index, count, Optional.empty());
    }

    @Test
    void sharesAddUpExactlyWithTheRemainderOnTheFirstGenerators() {
        assertThat(generator(0, 3).share(10L)).isEqualTo(4);
        assertThat(generator(1, 3).share(10L)).isEqualTo(3);
        assertThat(generator(2, 3).share(10L)).isEqualTo(3);
        for (int count = 1; count <= 7; count++) {
            for (long total = count; total < 50; total++) {
                long sum = 0;
                for (int index = 0; index < count; index++) {
                    sum += generator(index, count).share(total);
                }
                assertThat(sum).as(total + " over " + count).isEqualTo(total);
            }
        }
    }

    @Test
    void everySlotBelongsToExactlyOneGenerator() {
        for (long slot = 0; slot < 100; slot++) {
            int owners = 0;
            for (int index = 0; index < 4; index++) {
                owners += generator(index, 4).owns(slot) ? 1 : 0;
            }
            assertThat(owners).isEqualTo(1);
        }
        assertThat(generator(2, 4).owns(6)).isTrue();
        assertThat(Generator.ALONE.owns(12_345)).isTrue();
    }

    @Test
    void closedLoopStopConditionTakesItsShareOfRequestsAndKeepsTheDuration() {
        StopCondition stop = new StopCondition(OptionalLong.of(100), Optional.of(Duration.ofSeconds(5)));

        assertThat(generator(0, 3).share(stop)).isEqualTo(new StopCondition(OptionalLong.of(34),
                Optional.of(Duration.ofSeconds(5))));
        assertThat(generator(2, 3).share(StopCondition.afterDuration(Duration.ofSeconds(5))))
                .isEqualTo(StopCondition.afterDuration(Duration.ofSeconds(5)));
    }

    @Test
    void indexOutsideTheFleetIsRefused() {
        assertThatThrownBy(() -> generator(3, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0..2");
        assertThatThrownBy(() -> generator(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
