package dev.loadlab.balancer.strategy;

import java.util.concurrent.TimeUnit;

/**
 * Prequal's parameters; validated where they enter (the command line).
 *
 * @param probesPerRequest probes sent per request, each to a distinct random candidate
 * @param poolSize         probes kept at most (the paper's 16)
 * @param maxReuse         picks a probe may serve before it is retired
 * @param maxAgeMillis     a probe older than this is retired (the paper's 1 s)
 * @param hotQuantile      a probe is hot when its requests in flight exceed this quantile of
 *                         recent probes' (the paper's q_RIF, about 0.84)
 */
public record PrequalSettings(int probesPerRequest, int poolSize, int maxReuse, long maxAgeMillis, double hotQuantile) {
    public static final PrequalSettings DEFAULTS = new PrequalSettings(3, 16, 3, 1_000, 0.84);

    long maxAgeNanos() {
        return TimeUnit.MILLISECONDS.toNanos(maxAgeMillis);
    }
}
