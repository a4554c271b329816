package dev.loadlab.balancer.strategy;

import dev.loadlab.balancer.backend.Backend;
import java.util.List;
import java.util.Map;

/**
 * Chooses the backend for one request among those that can take it now.
 *
 * <p>Threading: called concurrently by the balancer's I/O threads; implementations keep their
 * own state thread-safe and never block.
 */
public interface Strategy {

    /**
     * @param candidates the backends that are healthy, not ejected, not yet tried by this request
     *                   and below their in-flight limit; never empty; in configuration order
     * @return one of {@code candidates}
     */
    Backend pick(List<Backend> candidates);

    /** Figures of the strategy's own for {@code /stats}, by snake_case name; none unless it keeps any. */
    default Map<String, Long> stats() {
        return Map.of();
    }
}
