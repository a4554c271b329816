package dev.loadlab.client.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.OptionalDouble;

import org.junit.jupiter.api.Test;

class CpuUsageTest {
    private static final long SECOND = 1_000_000_000L;

    private static CpuUsage usage(double clientShare, OptionalDouble machineBusy, OptionalDouble steal) {
        return new CpuUsage(Math.round(clientShare * 2 * SECOND), SECOND, 2, machineBusy, steal);
    }

    @Test
    void aClientUsingNinetyPercentOfEveryCoreIsSaturated() {
        assertThat(usage(0.95, OptionalDouble.empty(), OptionalDouble.empty()).saturated()).isTrue();
        assertThat(usage(0.50, OptionalDouble.empty(), OptionalDouble.empty()).saturated()).isFalse();
    }

    @Test
    void aClientTakingMostOfABusyMachineIsSaturated() {
        assertThat(usage(0.50, OptionalDouble.of(0.95), OptionalDouble.empty()).saturated()).isTrue();
        assertThat(usage(0.30, OptionalDouble.of(0.95), OptionalDouble.empty()).saturated()).isFalse();
    }

    @Test
    void fivePercentOfStealOrMoreMarksTheRunDisturbed() {
        assertThat(usage(0.3, OptionalDouble.of(0.5), OptionalDouble.of(0.05)).disturbed()).isTrue();
        assertThat(usage(0.3, OptionalDouble.of(0.5), OptionalDouble.of(0.57)).disturbed()).isTrue();
        assertThat(usage(0.3, OptionalDouble.of(0.5), OptionalDouble.of(0.01)).disturbed()).isFalse();
        assertThat(usage(0.3, OptionalDouble.empty(), OptionalDouble.empty()).disturbed()).as("unknown").isFalse();
    }

    @Test
    void theLimitReasonsSayWhatTheCpuShowed() {
        assertThat(usage(0.93, OptionalDouble.empty(), OptionalDouble.empty()).limitReasons())
                .containsExactly("client used 93% of the machine's cores");
        assertThat(usage(0.50, OptionalDouble.of(0.95), OptionalDouble.empty()).limitReasons())
                .containsExactly("the machine was 95% busy and the client used 50% of the cores, most of it");
        assertThat(usage(0.30, OptionalDouble.of(0.50), OptionalDouble.empty()).limitReasons()).isEmpty();
    }

    @Test
    void foreignCpuIsTheMachinesBusyShareLessTheClients() {
        assertThat(usage(0.30, OptionalDouble.of(0.50), OptionalDouble.empty()).foreignUtilization().getAsDouble())
                .isCloseTo(0.20, within(1e-9));
        assertThat(usage(0.30, OptionalDouble.empty(), OptionalDouble.empty()).foreignUtilization()).isEmpty();
    }

    @Test
    void aReadingOverABusyWindowSeesTheClientAndTheMachine() {
        // 300 ms of computing on this thread: /proc/stat counts in 10 ms ticks, so the window shows it.
        CpuUsage.Reading start = CpuUsage.Reading.now();
        long until = System.nanoTime() + 300_000_000L;
        long spins = 0;
        while (System.nanoTime() < until) {
            spins++;
        }
        CpuUsage measured = start.until(CpuUsage.Reading.now());

        assertThat(spins).isPositive();
        assertThat(measured.windowNanos()).isGreaterThanOrEqualTo(300_000_000L);
        assertThat(measured.clientCpuNanos()).as("this thread computed").isPositive();
        assertThat(measured.machineBusy()).as("/proc/stat is read on Linux").isPresent();
        assertThat(measured.machineBusy().getAsDouble()).isBetween(0.0, 1.0).isPositive();
        assertThat(measured.machineSteal().getAsDouble()).isBetween(0.0, 1.0);
    }
}
