package dev.loadlab.client.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.loadlab.client.RealtimePermission;

class LoopPriorityTest {

    /** The probe thread is held alive until the kernel's record of it has been read. */
    @Test
    void aThreadIdIsTheKernelsIdOfTheCallingThread() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Long> id = new CompletableFuture<>();
        Thread probe = new Thread(() -> {
            try {
                id.complete(LoopPriority.currentThreadId());
                release.await();
            } catch (Exception e) {
                id.completeExceptionally(e);
            }
        }, "priority-probe");
        probe.start();
        try {
            long tid = id.get(30, TimeUnit.SECONDS);

            assertThat(tid).isNotEqualTo(ProcessHandle.current().pid());
            assertThat(Files.readString(Path.of("/proc/self/task/" + tid + "/comm")).strip())
                    .isEqualTo("priority-probe");
        } finally {
            release.countDown();
            probe.join();
        }
    }

    @Test
    void policyAndPriorityAreReadAfterTheLastParenthesisOfTheName() throws Exception {
        String own = Files.readString(Path.of("/proc/thread-self/stat"));
        String tail = own.substring(own.lastIndexOf(')') + 1);
        String awkwardName = "4242 (netty) io (1)" + tail;

        assertThat(LoopPriority.policyAndPriority(own)).containsExactly(0, 0); // a test thread: SCHED_OTHER
        assertThat(LoopPriority.policyAndPriority(awkwardName)).containsExactly(0, 0);
        String[] fields = tail.strip().split(" ");
        fields[41 - 3] = "1";
        fields[40 - 3] = "1";
        assertThat(LoopPriority.policyAndPriority("7 (x) " + String.join(" ", fields))).containsExactly(1, 1);
    }

    /**
     * A parked thread raised to real-time priority has it, read back from the kernel, where this
     * process may set it; where it may not (no CAP_SYS_NICE), the outcome says what chrt said.
     */
    @Test
    void raiseGivesTheThreadFifoOrSaysWhyNot() throws Exception {
        boolean mayUseRealtime = RealtimePermission.granted();
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Long> id = new CompletableFuture<>();
        Thread parked = new Thread(() -> {
            try {
                id.complete(LoopPriority.currentThreadId());
                release.await();
            } catch (Exception e) {
                id.completeExceptionally(e);
            }
        }, "priority-parked");
        parked.start();
        try {
            long tid = id.get(30, TimeUnit.SECONDS);

            LoopPriority.Outcome outcome = LoopPriority.raise(List.of(tid));

            if (mayUseRealtime) {
                assertThat(outcome.realtime()).isTrue();
                assertThat(outcome.describe()).isEqualTo(", SCHED_FIFO 1");
                assertThat(LoopPriority.policyAndPriority(Files.readString(Path.of("/proc/self/task/" + tid + "/stat"))))
                        .containsExactly(1, 1);
            } else {
                assertThat(outcome.realtime()).isFalse();
                assertThat(outcome.refusal()).containsIgnoringCase("chrt");
                assertThat(outcome.describe()).startsWith(", normal priority (--realtime refused: chrt");
            }
        } finally {
            release.countDown();
            parked.join();
        }
    }

    @Test
    void aThreadThatCannotBeRaisedIsARefusalThatSaysWhatChrtSaid() throws Exception {
        long noSuchThread = Long.MAX_VALUE; // no kernel has ids this large: chrt refuses it, touching nothing

        LoopPriority.Outcome outcome = LoopPriority.raise(List.of(noSuchThread));

        assertThat(outcome.realtime()).isFalse();
        assertThat(outcome.refusal()).startsWith("chrt");
        assertThat(outcome.describe()).isEqualTo(", normal priority (--realtime refused: " + outcome.refusal() + ")");
    }

    @Test
    void aRunThatDidNotAskDescribesNothing() {
        assertThat(LoopPriority.Outcome.NOT_ASKED.describe()).isEmpty();
    }
}
