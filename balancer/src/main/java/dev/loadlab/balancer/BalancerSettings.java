package dev.loadlab.balancer;

import dev.loadlab.api.lane.Discipline;
import dev.loadlab.api.lane.LaneSettings;
import dev.loadlab.balancer.backend.BackendAddress;
import dev.loadlab.balancer.backend.EjectionPolicy;
import dev.loadlab.balancer.strategy.PrequalSettings;
import dev.loadlab.balancer.strategy.StrategyName;
import java.util.List;

/**
 * Everything the balancer is started with, validated by {@link Balancer}.
 *
 * @param queue          the lane's settings; its worker count is set by the backends' capacity
 * @param maxRequestMillis the proxy's time limit for one request, 0 for none
 * @param prequal          the {@code prequal} strategy's parameters (the others ignore them)
 */
record BalancerSettings(
        String host,
        int port,
        String instance,
        List<BackendAddress> backends,
        StrategyName strategy,
        int maxPerBackend,
        Discipline discipline,
        LaneSettings queue,
        int retries,
        long healthIntervalMillis,
        long healthTimeoutMillis,
        int rise,
        int fall,
        EjectionPolicy ejection,
        int maxRequestMillis,
        int ioThreads,
        PrequalSettings prequal) {
}
