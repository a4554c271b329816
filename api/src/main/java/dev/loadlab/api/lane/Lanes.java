package dev.loadlab.api.lane;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A server's four lanes, one per {@link Discipline}, and the sweeper that sheds expired waiters
 * when nothing else happens in a lane.
 *
 * <p>Threading: lanes are safe for any thread; the sweeper is one daemon platform thread,
 * started by the constructor when any lane can shed, stopped by {@link #close()}.
 */
public final class Lanes implements AutoCloseable {
    /** The sweep period is a fraction of the shortest wait a lane allows, within these bounds. */
    private static final long MIN_SWEEP_MILLIS = 1;
    private static final long MAX_SWEEP_MILLIS = 50;

    private final Map<Discipline, Lane> lanes;
    private final ScheduledExecutorService sweeper;

    public Lanes(LaneSettings settings) {
        Map<Discipline, Lane> byDiscipline = new EnumMap<>(Discipline.class);
        for (Discipline discipline : Discipline.values()) {
            byDiscipline.put(discipline, new Lane(discipline, settings));
        }
        this.lanes = Collections.unmodifiableMap(byDiscipline);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "lane-sweeper");
            thread.setDaemon(true);
            return thread;
        });
        long periodMillis = sweepPeriodMillis(settings);
        sweeper.scheduleAtFixedRate(this::sweep, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** Half the shortest wait any lane allows: a shed request is answered at most that late. */
    static long sweepPeriodMillis(LaneSettings settings) {
        long shortest = settings.codelTargetMillis();
        if (settings.queueTimeoutMillis() > 0) {
            shortest = Math.min(shortest, settings.queueTimeoutMillis());
        }
        return Math.clamp(shortest / 2, MIN_SWEEP_MILLIS, MAX_SWEEP_MILLIS);
    }

    public Lane lane(Discipline discipline) {
        return lanes.get(discipline);
    }

    public Collection<Lane> all() {
        return List.copyOf(lanes.values());
    }

    /** Waits until every lane is idle. Returns false if the time ran out first. */
    public boolean awaitIdle(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (Lane lane : lanes.values()) {
            if (!lane.awaitIdle(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }

    private void sweep() {
        for (Lane lane : lanes.values()) {
            lane.sweep();
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
