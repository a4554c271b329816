package dev.loadlab.suite.plan;

import dev.loadlab.client.cli.CommandMatrix;
import java.util.List;

/**
 * The names the suite puts on command lines and URLs: models, queue disciplines, strategies.
 * They are the servers' and the balancer's wire names; the suite does not link those modules, so
 * its drift tests (which do, in test scope) keep these lists equal to theirs.
 */
public final class Catalog {
    /** The concurrency models, as each server names itself in {@code /health}. */
    public static final List<String> MODELS = List.of("threads", "virtual-threads", "async");
    /** The queue disciplines, each its own lane on every server: the client's list. */
    public static final List<String> DISCIPLINES = CommandMatrix.DISCIPLINES;
    /** The balancer's strategies, as {@code --strategy} takes them. */
    public static final List<String> STRATEGIES = List.of("round-robin", "random", "least-connections", "power-of-two",
            "weighted-round-robin", "peak-ewma", "prequal");
    /**
     * The suite's phases, in the order they run: the three load phases, each round (each model's
     * capacity is measured before the first), then JMH's components once.
     */
    public static final List<String> PHASES = List.of("models", "overload", "strategies", "jmh");
    /** The phases a suite runs when none are named: the load phases; JMH on request ({@code --jmh}). */
    public static final List<String> DEFAULT_PHASES = List.of("models", "overload", "strategies");
    /**
     * What is wrong with one backend in the strategy study: nothing ({@code even}), it is slower
     * ({@code one-slow}), it stops for a moment now and then ({@code pause}), it dies and comes back
     * ({@code kill}).
     */
    public static final List<String> SCENARIOS = List.of("even", "one-slow", "pause", "kill");

    private Catalog() {
    }

    /** The module (and jar) serving a model: {@code threads} is {@code server-threads}. */
    public static String module(String model) {
        return "server-" + model;
    }

    /** The work path of a discipline's lane. */
    public static String path(String discipline) {
        return CommandMatrix.path(discipline);
    }
}
