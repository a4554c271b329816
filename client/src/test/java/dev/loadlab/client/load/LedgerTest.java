package dev.loadlab.client.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.loadlab.client.record.FailureCause;
import dev.loadlab.client.record.HistogramKind;
import dev.loadlab.client.record.RunRecorder;

class LedgerTest {

    @Test
    void warmupRequestsGoToTheWarmupRecorderAndMeasuredOnesToTheRunsOwn() {
        RunRecorder measured = new RunRecorder();
        Ledger ledger = new Ledger(measured, 1_000_000_000L);
        ledger.countSent(Ledger.WARMUP);
        ledger.answered(Ledger.WARMUP, 0, 1_000, 2_000_000, 200, new byte[0], 0, null, 2);
        ledger.countSent(Ledger.MEASURED);
        ledger.countSent(Ledger.MEASURED);
        ledger.answered(Ledger.MEASURED, 0, 1_000, 3_000_000, 200, new byte[0], 0, null, 2);
        ledger.failed(Ledger.MEASURED, 0, 1_000, 4_000_000, FailureCause.CONNECT_REFUSED);

        assertThat(ledger.warmupRecorder()).isNotSameAs(measured);
        assertThat(ledger.warmupRecorder().counts().sent()).isEqualTo(1);
        assertThat(ledger.warmupRecorder().counts().successful()).isEqualTo(1);
        assertThat(measured.counts().sent()).isEqualTo(2);
        assertThat(measured.counts().completed()).isEqualTo(2);
        assertThat(ledger.lastSettledNanos()).isEqualTo(4_000_000);
        assertThat(measured.swapInterval(HistogramKind.LATENCY, null).getTotalCount()).isEqualTo(1);
        assertThat(ledger.warmupRecorder().swapInterval(HistogramKind.LATENCY, null).getTotalCount()).isEqualTo(1);
    }
}
