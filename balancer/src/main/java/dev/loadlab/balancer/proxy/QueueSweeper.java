package dev.loadlab.balancer.proxy;

import dev.loadlab.api.lane.Discipline;
import dev.loadlab.api.lane.Lane;
import dev.loadlab.api.lane.LaneSettings;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sheds the balancer lane's expired waiters when nothing else happens in the lane (every offer and
 * release sheds them too), so that a shed request is answered on time even while every backend
 * holds its requests: what api's {@code Lanes} does for a server's four lanes, for the balancer's
 * one. It is armed only while requests wait, so an idle balancer never wakes for it, and not at all
 * for a lane that never sheds (no {@code --queue-timeout-ms}, not {@code codel}). A sweep comes
 * every half of the shortest wait the lane allows (1 to 50 ms), as api's sweeper does.
 *
 * <p>Threading: {@link #waiterQueued} is called by I/O threads, sweeps run on the sweeper's own
 * thread (started at the first waiter); the armed flag is atomic.
 */
final class QueueSweeper implements AutoCloseable {
    private static final long MIN_PERIOD_MILLIS = 1;
    private static final long MAX_PERIOD_MILLIS = 50;

    private final Lane lane;
    private final long periodMillis;
    /** Null when the lane never sheds. */
    private final ScheduledExecutorService timer;
    private final AtomicBoolean armed = new AtomicBoolean();

    QueueSweeper(Lane lane) {
        this.lane = lane;
        LaneSettings settings = lane.settings();
        long shortestMillis = settings.queueTimeoutMillis() > 0 ? settings.queueTimeoutMillis() : Long.MAX_VALUE;
        if (lane.discipline() == Discipline.CODEL) {
            shortestMillis = Math.min(shortestMillis, settings.codelTargetMillis());
        }
        this.periodMillis = Math.clamp(shortestMillis / 2, MIN_PERIOD_MILLIS, MAX_PERIOD_MILLIS);
        this.timer = shortestMillis == Long.MAX_VALUE ? null : Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "balancer-queue-sweeper");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** A request has just been queued in the lane: arms the sweeper unless it is armed. */
    void waiterQueued() {
        if (timer != null && armed.compareAndSet(false, true)) {
            schedule();
        }
    }

    /** Whether a sweep is coming. */
    boolean armed() {
        return armed.get();
    }

    private void sweep() {
        lane.sweep();
        if (lane.stats().queued() > 0) {
            schedule();
            return;
        }
        armed.set(false);
        // A request queued between the read above and the disarming found the sweeper armed.
        if (lane.stats().queued() > 0 && armed.compareAndSet(false, true)) {
            schedule();
        }
    }

    private void schedule() {
        try {
            timer.schedule(this::sweep, periodMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            // the balancer is stopping
        }
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
