package dev.loadlab.api.lane;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The order in which a lane hands a freed worker to its waiting requests, and when it gives up on
 * a waiter. Each discipline is its own lane, with its own workers and its own queue.
 */
public enum Discipline {
    /** Oldest waiter first. */
    FIFO("fifo"),
    /** Newest waiter first: under overload the freshest requests, whose clients still wait, are served. */
    LIFO("lifo"),
    /**
     * FIFO while the queue is healthy, LIFO while it is congested: every request that entered service
     * in the last CoDel interval had waited longer than the CoDel target.
     */
    ADAPTIVE_LIFO("adaptive-lifo"),
    /** FIFO; while congested (as for adaptive LIFO), waiters older than the CoDel target are shed. */
    CODEL("codel");

    private final String wireName;

    Discipline(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in URLs, JSON and metrics: {@code fifo}, {@code lifo}, {@code adaptive-lifo}, {@code codel}. */
    public String wireName() {
        return wireName;
    }

    public static Optional<Discipline> fromWireName(String name) {
        for (Discipline discipline : values()) {
            if (discipline.wireName.equals(name)) {
                return Optional.of(discipline);
            }
        }
        return Optional.empty();
    }

    /** "fifo, lifo, adaptive-lifo, codel": for error messages. */
    public static String wireNames() {
        return Arrays.stream(values()).map(Discipline::wireName).collect(Collectors.joining(", "));
    }
}
