package dev.loadlab.client.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The wake-up probe sleeps beside a run and says how late each sleep ended; it stops when finished. */
class WakeupProbeTest {
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void itRecordsEveryWakeUpSinceMeasuringStartedAndStopsWhenFinished() throws InterruptedException {
        WakeupProbe probe = WakeupProbe.start();
        probe.startMeasuring();
        Thread.sleep(1_000); // about 200 sleeps of 5 ms; however busy the machine, more than none

        WakeupProbe.Latency latency = probe.finish();

        assertThat(probe.running()).isFalse();
        assertThat(latency.periodMs()).isEqualTo(5.0);
        assertThat(latency.samples()).isPositive();
        assertThat(latency.p50Ms()).isGreaterThanOrEqualTo(0).isLessThanOrEqualTo(latency.p99Ms());
        assertThat(latency.p99Ms()).isLessThanOrEqualTo(latency.maxMs());
    }
}
