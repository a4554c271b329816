package dev.loadlab.client.transport;

import dev.loadlab.client.load.ClosedLoopBudget;

/**
 * The jdk transport's closed loop: each sender sends its next request when its last one has
 * ended, while the budget allows, so exactly {@code concurrency} requests are in flight until
 * the stop condition is met.
 *
 * <p>A sender is a virtual thread blocked in {@code HttpClient.send}: on this HTTP client the
 * cheapest way to keep a request in flight (no completion hop to another pool).
 *
 * <p><b>Threads.</b> The driving thread constructs it and starts the senders; {@link #work}
 * runs on every sender's thread; the budget is shared by all of them.
 */
final class JdkClosedLoop {
    private final ClosedLoopBudget budget;

    JdkClosedLoop(ClosedLoopBudget budget) {
        this.budget = budget;
    }

    void start(SenderGroup senders) {
        senders.start("closed-loop-worker-", this::work);
    }

    private void work(Sender sender, int index) {
        while (true) {
            long now = System.nanoTime();
            int phase = budget.next(now);
            if (phase == ClosedLoopBudget.DONE) {
                return;
            }
            sender.send(now, now, phase);
        }
    }
}
