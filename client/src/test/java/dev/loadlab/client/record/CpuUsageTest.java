package dev.loadlab.client.record;

import static org.assertj.core.api.Assertions.assertThat;

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
    void readingsOfThisMachineGiveFractionsBetweenZeroAndOne() {
        CpuUsage measured = CpuUsage.Reading.now().until(CpuUsage.Reading.now());
        measured.machineSteal().ifPresent(steal -> assertThat(steal).isBetween(0.0, 1.0));
        measured.machineBusy().ifPresent(busy -> assertThat(busy).isBetween(0.0, 1.0));
        assertThat(measured.clientUtilization()).isBetween(0.0, 1.0);
    }
}
