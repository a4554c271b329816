package dev.loadlab.client.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.ObjIntConsumer;

import dev.loadlab.client.load.Ledger;

/**
 * The jdk transport's senders, each on a virtual thread of its own, and the latch that tells
 * the driving thread they have all ended.
 *
 * <p><b>Threads.</b> {@link #start} and {@link #awaitEnded} are called by the driving
 * thread; each sender's loop runs on its own virtual thread and counts the latch down when
 * it returns, which publishes everything the sender wrote to the driving thread.
 */
final class SenderGroup {
    private final List<Sender> senders;
    private final CountDownLatch ended;

    SenderGroup(HttpTarget target, Ledger ledger, int size) {
        List<Sender> created = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            created.add(new Sender(target, ledger));
        }
        this.senders = List.copyOf(created);
        this.ended = new CountDownLatch(size);
    }

    /** Starts one virtual thread per sender, running {@code loop(sender, index)}. */
    void start(String name, ObjIntConsumer<Sender> loop) {
        for (int i = 0; i < senders.size(); i++) {
            Sender sender = senders.get(i);
            int index = i;
            Thread.ofVirtual().name(name + i).start(() -> {
                try {
                    sender.bindToCurrentThread();
                    loop.accept(sender, index);
                } finally {
                    ended.countDown();
                }
            });
        }
    }

    /** True once every sender's loop has returned; waits at most {@code nanos}. */
    boolean awaitEnded(long nanos) throws InterruptedException {
        return ended.await(nanos, TimeUnit.NANOSECONDS);
    }

    List<Sender> senders() {
        return senders;
    }
}
