package dev.loadlab.client.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ArrivalScheduleTest {

    @Test
    void uniformRequestIIsDueAtIOverRateWithoutDrift() {
        ArrivalSchedule schedule = ArrivalSchedule.of(new LoadShape.OpenLoop(3, LoadShape.Arrival.UNIFORM, 1));
        long last = 0;
        for (int i = 0; i <= 3_000; i++) {
            last = schedule.nextOffsetNanos();
        }
        assertThat(last).isEqualTo(1_000_000_000_000L);
    }

    @Test
    void poissonGapsAverageOneOverRateAndRepeatWithTheSeed() {
        ArrivalSchedule first = ArrivalSchedule.of(new LoadShape.OpenLoop(1_000, LoadShape.Arrival.POISSON, 42));
        ArrivalSchedule again = ArrivalSchedule.of(new LoadShape.OpenLoop(1_000, LoadShape.Arrival.POISSON, 42));
        long offset = 0;
        for (int i = 0; i <= 100_000; i++) {
            offset = first.nextOffsetNanos();
            assertThat(again.nextOffsetNanos()).isEqualTo(offset);
        }
        assertThat(offset / 100_000.0).isCloseTo(1_000_000, within(20_000.0));
    }
}
