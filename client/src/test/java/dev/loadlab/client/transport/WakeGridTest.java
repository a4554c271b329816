package dev.loadlab.client.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WakeGridTest {
    private static final long STEP = 1_000_000;

    @Test
    void slotsOneStepApartAreWokenAtTheirSlotsWithoutDrift() {
        WakeGrid grid = new WakeGrid(STEP, 0);
        for (long slot = 1; slot <= 10_000; slot++) {
            // Anchored on the targets: however late a wake-up comes, the next one is at the next slot.
            assertThat(grid.nextTarget(slot * STEP)).isEqualTo(slot * STEP);
        }
    }

    @Test
    void slotsCloserThanAStepShareWakeUpsAtMostOnePerStep() {
        WakeGrid grid = new WakeGrid(STEP, 0);
        long previous = grid.nextTarget(STEP);
        for (long slot = 2; slot <= 1_000; slot++) {
            long target = grid.nextTarget(previous + STEP / 5); // the next slot, due 200 µs after the last wake-up's target
            assertThat(target - previous).isEqualTo(STEP);
            previous = target;
        }
    }

    @Test
    void aSlotLongAfterTheLastWakeUpIsWokenAtItsOwnTime() {
        WakeGrid grid = new WakeGrid(STEP, 0);
        grid.nextTarget(STEP);
        assertThat(grid.nextTarget(50 * STEP + 7)).isEqualTo(50 * STEP + 7);
        assertThat(grid.nextTarget(50 * STEP + 8)).isEqualTo(51 * STEP + 7);
    }

    @Test
    void theFirstWakeUpMayComeAtOnce() {
        WakeGrid grid = new WakeGrid(STEP, 5 * STEP);
        assertThat(grid.nextTarget(5 * STEP + 1)).isEqualTo(5 * STEP + 1);
    }

    @Test
    void aStepMustBePositive() {
        assertThatThrownBy(() -> new WakeGrid(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
