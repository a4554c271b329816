package dev.loadlab.api.lane;

import java.util.concurrent.atomic.AtomicInteger;

/** A waiter that remembers its name and how often it was shed. */
final class RecordingWaiter extends Waiter {
    final String name;
    final AtomicInteger shedCount = new AtomicInteger();

    RecordingWaiter(String name) {
        this.name = name;
    }

    @Override
    protected void onShed() {
        shedCount.incrementAndGet();
    }

    @Override
    public String toString() {
        return name;
    }
}
