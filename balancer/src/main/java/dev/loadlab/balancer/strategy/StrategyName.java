package dev.loadlab.balancer.strategy;

import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** The strategies by the names {@code --strategy} takes. */
public enum StrategyName {
    ROUND_ROBIN("round-robin", RoundRobin::new),
    RANDOM("random", RandomChoice::new),
    LEAST_CONNECTIONS("least-connections", LeastConnections::new),
    POWER_OF_TWO("power-of-two", PowerOfTwoChoices::new),
    WEIGHTED_ROUND_ROBIN("weighted-round-robin", WeightedRoundRobin::new),
    PEAK_EWMA("peak-ewma", PeakEwma::new);

    private final String wireName;
    private final Supplier<Strategy> factory;

    StrategyName(String wireName, Supplier<Strategy> factory) {
        this.wireName = wireName;
        this.factory = factory;
    }

    public String wireName() {
        return wireName;
    }

    public Strategy create() {
        return factory.get();
    }

    public static Optional<StrategyName> fromWireName(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst();
    }

    public static String wireNames() {
        return Arrays.stream(values()).map(StrategyName::wireName).collect(Collectors.joining(", "));
    }
}
