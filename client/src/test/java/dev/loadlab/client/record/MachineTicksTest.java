package dev.loadlab.client.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MachineTicksTest {

    @Test
    void busyIsEverythingButIdleIowaitAndSteal() {
        MachineTicks ticks = MachineTicks.parse("cpu  195303 2872 55977 905869 851 0 8721 40 0 0");
        assertThat(ticks.busy()).isEqualTo(195303 + 2872 + 55977 + 8721);
        assertThat(ticks.steal()).isEqualTo(40);
        assertThat(ticks.total()).isEqualTo(195303 + 2872 + 55977 + 905869 + 851 + 8721 + 40);
    }

    @Test
    void guestTimeIsNotCountedTwice() {
        assertThat(MachineTicks.parse("cpu 10 0 0 90 0 0 0 0 7 0").total()).isEqualTo(100);
    }

    @Test
    void aDifferenceIsWhatHappenedBetweenTwoReadings() {
        MachineTicks before = MachineTicks.parse("cpu 100 0 50 1000 0 0 10 5 0 0");
        MachineTicks after = MachineTicks.parse("cpu 160 0 70 1100 0 0 20 15 0 0");
        assertThat(after.since(before)).isEqualTo(new MachineTicks(90, 10, 200));
    }

    @Test
    void aLineThatIsNotTheCpuLineIsRefused() {
        assertThatThrownBy(() -> MachineTicks.parse("intr 1 2 3")).isInstanceOf(IllegalArgumentException.class);
    }

    /** Every core's jiffies advance with wall time, whatever it does: 200 ms is 20 per core. */
    @Test
    void thisMachinesTicksAdvanceWithWallTimeOnEveryCore() throws InterruptedException {
        MachineTicks first = MachineTicks.read().orElseThrow();
        long start = System.nanoTime();
        Thread.sleep(200);
        MachineTicks later = MachineTicks.read().orElseThrow();
        double expected = (System.nanoTime() - start) / 1e9 * MachineTicks.PER_SECOND
                * Runtime.getRuntime().availableProcessors();
        assertThat((double) later.since(first).total()).isBetween(expected * 0.5, expected * 1.5 + 2);
    }
}
