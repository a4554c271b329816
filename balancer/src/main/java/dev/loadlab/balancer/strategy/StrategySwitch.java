package dev.loadlab.balancer.strategy;

import dev.loadlab.balancer.backend.Backend;
import dev.loadlab.balancer.backend.ProbeSender;
import java.util.List;
import java.util.Map;

/**
 * The balancer's strategy, replaceable while it runs ({@code POST /admin/strategy}) by a new
 * instance of any strategy, with none of the replaced one's state (its rotation, its probes).
 * What a comparison of strategies needs: one warmed-up balancer runs each strategy in turn, so
 * that no strategy's figures carry the JIT compilation of a balancer started for it.
 *
 * <p>Threading: picks on the I/O threads read the current strategy once each, through a volatile
 * field; a switch publishes a new one. A pick already running finishes with the strategy it read.
 */
public final class StrategySwitch implements Strategy {
    /** The strategy in use and its name, read together. */
    public record Current(StrategyName name, Strategy strategy) {
    }

    private final PrequalSettings prequal;
    private final ProbeSender sender;
    private volatile Current current;

    /** Starts with {@code first}; a {@code prequal} created now or later probes with {@code sender} by {@code prequal}. */
    public StrategySwitch(StrategyName first, PrequalSettings prequal, ProbeSender sender) {
        this.prequal = prequal;
        this.sender = sender;
        this.current = new Current(first, first.create(prequal, sender));
    }

    public Current current() {
        return current;
    }

    /** Puts a new instance of {@code name} in use, even if it is the current one's; returns the one it replaced. */
    public Current switchTo(StrategyName name) {
        Current replaced = current;
        current = new Current(name, name.create(prequal, sender));
        return replaced;
    }

    @Override
    public Backend pick(List<Backend> candidates) {
        return current.strategy().pick(candidates);
    }

    @Override
    public Map<String, Long> stats() {
        return current.strategy().stats();
    }
}
