package dev.loadlab.client.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The N generators' timetables together are exactly the timetable of one generator alone. */
class TimetableFleetTest {
    private static final long WARMUP_NANOS = Duration.ofMillis(300).toNanos();
    private static final long GRID_NANOS = LoadSettings.DEFAULT_WAKE_GRID.toNanos();

    /** Slot offsets claimed until the timetable is exhausted: warm-up ones (negated, minus 1) and measured ones. */
    private static List<Long> slots(LoadShape.OpenLoop openLoop, Generator generator, StopCondition stop) {
        Timetable timetable = new Timetable(openLoop, generator, 0, WARMUP_NANOS, stop, GRID_NANOS);
        List<Long> slots = new ArrayList<>();
        for (long offset = timetable.claimNext(); offset != Timetable.EXHAUSTED; offset = timetable.claimNext()) {
            slots.add(timetable.phase(offset) == Ledger.WARMUP ? -offset - 1 : offset);
        }
        return slots;
    }

    private static List<Long> fleetSlots(LoadShape.OpenLoop openLoop, int count, StopCondition stop) {
        List<Long> union = new ArrayList<>();
        for (int index = 0; index < count; index++) {
            union.addAll(slots(openLoop, new Generator(index, count, Optional.empty()), stop));
        }
        union.sort(null);
        return union;
    }

    @ParameterizedTest
    @EnumSource(LoadShape.Arrival.class)
    void threeGeneratorsSendExactlyTheSlotsOfOneUntilTheDuration(LoadShape.Arrival arrival) {
        LoadShape.OpenLoop openLoop = new LoadShape.OpenLoop(1_000, arrival, 11);
        StopCondition stop = StopCondition.afterDuration(Duration.ofSeconds(2));
        List<Long> alone = slots(openLoop, Generator.ALONE, stop);
        alone.sort(null);

        assertThat(fleetSlots(openLoop, 3, stop)).isEqualTo(alone);
        assertThat(alone.stream().filter(offset -> offset >= 0).count()).isBetween(1_800L, 2_200L);
    }

    @ParameterizedTest
    @EnumSource(LoadShape.Arrival.class)
    void threeGeneratorsStopAtTheFleetsRequestCountWhoeverSendsTheLast(LoadShape.Arrival arrival) {
        LoadShape.OpenLoop openLoop = new LoadShape.OpenLoop(500, arrival, 5);
        StopCondition stop = new StopCondition(OptionalLong.of(1_001), Optional.empty());
        List<Long> alone = slots(openLoop, Generator.ALONE, stop);
        alone.sort(null);

        List<Long> fleet = fleetSlots(openLoop, 3, stop);
        assertThat(fleet).isEqualTo(alone);
        assertThat(fleet.stream().filter(offset -> offset >= 0).count()).isEqualTo(1_001);
    }

    @ParameterizedTest
    @EnumSource(LoadShape.Arrival.class)
    void eachGeneratorReportsItsShareOfTheRateAndConnections(LoadShape.Arrival arrival) {
        LoadShape.OpenLoop openLoop = new LoadShape.OpenLoop(300, arrival, 3, 10);
        Timetable timetable = new Timetable(openLoop, new Generator(1, 3, Optional.empty()), 0, 0,
                StopCondition.afterDuration(Duration.ofSeconds(1)), GRID_NANOS);
        while (timetable.claimNext() != Timetable.EXHAUSTED) {
            // claims every slot; nothing is sent
        }
        ScheduleOutcome outcome = timetable.outcome();

        assertThat(outcome.targetRateHz()).isEqualTo(100);
        assertThat(outcome.connections()).isEqualTo(3);
        assertThat(outcome.lateThresholdNanos()).isEqualTo(Timetable.lateThresholdNanos(300, GRID_NANOS));
    }
}
