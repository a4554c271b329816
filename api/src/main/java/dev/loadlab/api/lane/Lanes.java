package dev.loadlab.api.lane;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A server's lanes, one per {@link Discipline}, and the {@link LaneSweeper} that sheds their
 * expired waiters when nothing else happens in a lane. The sweeper sleeps while no lane holds a
 * waiter that can expire, so an idle server spends no CPU on it.
 *
 * <p>Threading: lanes are safe for any thread; the sweeper is one daemon platform thread, started
 * by the constructor and stopped by {@link #close()}.
 */
public final class Lanes implements AutoCloseable {
    private final Map<Discipline, Lane> lanes;
    private final LaneSweeper sweeper;

    /** One lane per discipline. */
    public Lanes(LaneSettings settings) {
        this(settings, EnumSet.allOf(Discipline.class));
    }

    /** One lane for each of {@code disciplines} (a balancer needs just its own). */
    public Lanes(LaneSettings settings, Set<Discipline> disciplines) {
        this(settings, disciplines, System::nanoTime);
    }

    /** With a clock of the caller's, for tests. */
    Lanes(LaneSettings settings, Set<Discipline> disciplines, LongSupplier nanoClock) {
        if (disciplines.isEmpty()) {
            throw new IllegalArgumentException("lanes need at least one discipline");
        }
        this.sweeper = new LaneSweeper(nanoClock);
        Map<Discipline, Lane> byDiscipline = new EnumMap<>(Discipline.class);
        for (Discipline discipline : disciplines) {
            byDiscipline.put(discipline, new Lane(discipline, settings, nanoClock, sweeper::arm));
        }
        this.lanes = Collections.unmodifiableMap(byDiscipline);
        sweeper.watch(List.copyOf(lanes.values()));
        sweeper.start();
    }

    /** The lane of {@code discipline}; throws if these lanes were made without it. */
    public Lane lane(Discipline discipline) {
        Lane lane = lanes.get(discipline);
        if (lane == null) {
            throw new IllegalArgumentException("no " + discipline.wireName() + " lane here; lanes: " + lanes.keySet());
        }
        return lane;
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

    /** The sweeper, for tests. */
    LaneSweeper sweeper() {
        return sweeper;
    }

    @Override
    public void close() {
        sweeper.close();
    }
}
