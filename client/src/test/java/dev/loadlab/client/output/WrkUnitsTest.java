package dev.loadlab.client.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class WrkUnitsTest {

    @Test
    void readsDurationsTheWayWrkDoes() {
        assertThat(WrkUnits.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(WrkUnits.parseDuration("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(WrkUnits.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(WrkUnits.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(WrkUnits.parseDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(WrkUnits.parseDuration("30")).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void rejectsWhatIsNotADuration() {
        assertThatThrownBy(() -> WrkUnits.parseDuration("-1s")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> WrkUnits.parseDuration("10 parsecs")).hasMessageContaining("e.g. 500ms, 10s");
    }

    @Test
    void writesSettingsInTheLargestExactUnit() {
        assertThat(WrkUnits.formatDuration(Duration.ofMillis(500))).isEqualTo("500ms");
        assertThat(WrkUnits.formatDuration(Duration.ofSeconds(10))).isEqualTo("10s");
        assertThat(WrkUnits.formatDuration(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(WrkUnits.formatDuration(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(WrkUnits.formatDuration(Duration.ZERO)).isEqualTo("0s");
    }

    @Test
    void writesLatenciesWithTwoDecimalsAndTheirUnit() {
        assertThat(WrkUnits.formatMicros(635.91)).isEqualTo("635.91us");
        assertThat(WrkUnits.formatMicros(12_340)).isEqualTo("12.34ms");
        assertThat(WrkUnits.formatMicros(1_020_000)).isEqualTo("1.02s");
        assertThat(WrkUnits.formatMicros(150_000_000)).isEqualTo("2.50m");
    }
}
