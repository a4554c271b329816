package dev.loadlab.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A drain refuses new requests and waits for exactly those let in before it began. */
class DrainGateTest {
    @Test
    void aDrainRefusesNewRequestsAndGivesUpWhileOneLetInIsUnfinished() throws InterruptedException {
        DrainGate gate = new DrainGate();
        assertThat(gate.enter()).isTrue();

        assertThat(gate.drain(0, TimeUnit.MILLISECONDS)).as("one request still active").isFalse();
        assertThat(gate.draining()).isTrue();
        assertThat(gate.enter()).as("a request arriving while draining").isFalse();
        assertThat(gate.refused()).isEqualTo(1);
        assertThat(gate.active()).as("the refused request is not counted").isEqualTo(1);

        gate.exit();
        assertThat(gate.drain(0, TimeUnit.MILLISECONDS)).isTrue();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aWaitingDrainEndsWhenTheLastRequestLetInFinishes() throws Exception {
        DrainGate gate = new DrainGate();
        gate.enter();
        gate.enter();
        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> {
            try {
                return gate.drain(10, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        while (!gate.draining()) {
            Thread.onSpinWait(); // the drain has begun: from here on it waits for the two let in
        }

        gate.exit();
        assertThat(drained).as("one request still active").isNotDone();
        gate.exit();
        assertThat(drained.get(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aDrainWithNothingInFlightEndsAtOnce() throws InterruptedException {
        assertThat(new DrainGate().drain(0, TimeUnit.MILLISECONDS)).isTrue();
    }
}
