package dev.loadlab.client.load;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * What to send, how hard and for how long. Validated at the command line; trusted here.
 *
 * @param url     the full target, work parameters already in its query string
 * @param method  the HTTP method
 * @param body    a JSON body sent with {@code Content-Type: application/json}, if any
 * @param timeout how long one request may take before it counts as a timeout
 * @param warmup  how long to send before counting (zero: no warm-up)
 * @param shape   closed or open loop
 * @param stop    when the measured phase ends
 */
public record LoadSettings(URI url, String method, Optional<String> body, Duration timeout,
                           Duration warmup, LoadShape shape, StopCondition stop) {
}
