package dev.loadlab.client.transport;

import java.util.concurrent.locks.LockSupport;

import dev.loadlab.client.load.Timetable;

/**
 * The jdk transport's open loop: each sender claims the next slot of the shared timetable,
 * parks until it is due if it is early, sends it and waits for its outcome, then claims again.
 * A due slot nobody has claimed waits for the next sender to free (see {@link Timetable}).
 *
 * <p><b>Threads.</b> The driving thread constructs it and starts the senders; {@link #work}
 * runs on every sender's virtual thread, each with a send log of its own.
 */
final class JdkOpenLoop {
    private final Timetable timetable;

    JdkOpenLoop(Timetable timetable) {
        this.timetable = timetable;
    }

    void start(SenderGroup senders) {
        senders.start("open-loop-connection-", this::work);
    }

    private void work(Sender sender, int index) {
        Timetable.SendLog log = timetable.newSendLog();
        long startNanos = timetable.startNanos();
        while (true) {
            long offsetNanos = timetable.claimNext();
            if (offsetNanos == Timetable.EXHAUSTED) {
                return;
            }
            long dueNanos = startNanos + offsetNanos;
            long now = System.nanoTime();
            while (now < dueNanos) {
                LockSupport.parkNanos(dueNanos - now);
                now = System.nanoTime();
            }
            int phase = timetable.phase(offsetNanos);
            log.sent(phase, dueNanos, now);
            sender.send(dueNanos, now, phase);
        }
    }
}
