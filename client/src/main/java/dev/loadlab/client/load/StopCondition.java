package dev.loadlab.client.load;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * When the measured phase stops sending: after {@code requests}, after {@code duration},
 * or whichever comes first when both are given. At least one is present.
 */
public record StopCondition(OptionalLong requests, Optional<Duration> duration) {
    public StopCondition {
        if (requests.isEmpty() && duration.isEmpty()) {
            throw new IllegalArgumentException("a run needs a request count, a duration or both");
        }
    }

    public static StopCondition afterRequests(long requests) {
        return new StopCondition(OptionalLong.of(requests), Optional.empty());
    }

    public static StopCondition afterDuration(Duration duration) {
        return new StopCondition(OptionalLong.empty(), Optional.of(duration));
    }
}
