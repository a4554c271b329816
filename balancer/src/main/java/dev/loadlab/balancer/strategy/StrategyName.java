package dev.loadlab.balancer.strategy;

import dev.loadlab.balancer.backend.ProbeSender;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/** The strategies by the names {@code --strategy} takes. */
public enum StrategyName {
    ROUND_ROBIN("round-robin", (settings, sender) -> new RoundRobin()),
    RANDOM("random", (settings, sender) -> new RandomChoice()),
    LEAST_CONNECTIONS("least-connections", (settings, sender) -> new LeastConnections()),
    POWER_OF_TWO("power-of-two", (settings, sender) -> new PowerOfTwoChoices()),
    WEIGHTED_ROUND_ROBIN("weighted-round-robin", (settings, sender) -> new WeightedRoundRobin()),
    PEAK_EWMA("peak-ewma", (settings, sender) -> new PeakEwma()),
    PREQUAL("prequal", Prequal::new);

    private final String wireName;
    private final BiFunction<PrequalSettings, ProbeSender, Strategy> factory;

    StrategyName(String wireName, BiFunction<PrequalSettings, ProbeSender, Strategy> factory) {
        this.wireName = wireName;
        this.factory = factory;
    }

    public String wireName() {
        return wireName;
    }

    /** A new instance; {@code prequal} probes with {@code sender} by {@code settings}, the others use neither. */
    public Strategy create(PrequalSettings settings, ProbeSender sender) {
        return factory.apply(settings, sender);
    }

    public static Optional<StrategyName> fromWireName(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst();
    }

    public static String wireNames() {
        return Arrays.stream(values()).map(StrategyName::wireName).collect(Collectors.joining(", "));
    }
}
