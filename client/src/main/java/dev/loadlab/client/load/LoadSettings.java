package dev.loadlab.client.load;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * What to send, how hard, for how long and through which transport. Validated at the command
 * line; trusted here.
 *
 * @param url       the full target, work parameters already in its query string
 * @param method    the HTTP method
 * @param body      a JSON body sent with {@code Content-Type: application/json}, if any
 * @param timeout   how long one request may take before it counts as a timeout
 * @param warmup    how long to send before counting (zero: no warm-up)
 * @param shape     closed or open loop
 * @param stop      when the measured phase ends
 * @param transport the HTTP stack that carries the requests
 * @param ioThreads event loops of the netty transport (1 unless {@code --io-threads}); the jdk
 *                  transport has one selector thread of its own and ignores it
 * @param generator this process's part of a fleet sharing the load ({@link Generator#ALONE} unless
 *                  {@code --generator}); {@code shape} and {@code stop} are the fleet's, the run
 *                  takes its share
 * @param realtime  the netty transport's event loops are to run at real-time priority
 *                  ({@code --realtime}, an open loop only); false unless asked
 * @param wakeGrid  the netty transport's open loop wakes its timer at most once per this step and
 *                  sends every slot due by then ({@code --wake-grid}; {@link #DEFAULT_WAKE_GRID}
 *                  unless asked). The jdk transport's senders wake per slot: it is always the default
 */
public record LoadSettings(URI url, String method, Optional<String> body, Duration timeout,
                           Duration warmup, LoadShape shape, StopCondition stop, TransportKind transport,
                           int ioThreads, Generator generator, boolean realtime, Duration wakeGrid) {

    /** One timer wake-up per millisecond at most, as wrk2's event loop's timers. */
    public static final Duration DEFAULT_WAKE_GRID = Duration.ofMillis(1);

    /** A process alone, at normal priority, on the default wake-up grid. */
    public LoadSettings(URI url, String method, Optional<String> body, Duration timeout, Duration warmup,
                        LoadShape shape, StopCondition stop, TransportKind transport, int ioThreads) {
        this(url, method, body, timeout, warmup, shape, stop, transport, ioThreads, Generator.ALONE, false,
                DEFAULT_WAKE_GRID);
    }

    /** The default transport and one event loop. */
    public LoadSettings(URI url, String method, Optional<String> body, Duration timeout, Duration warmup,
                        LoadShape shape, StopCondition stop) {
        this(url, method, body, timeout, warmup, shape, stop, TransportKind.NETTY, 1);
    }

    /** The same run through another transport. */
    public LoadSettings withTransport(TransportKind kind) {
        return new LoadSettings(url, method, body, timeout, warmup, shape, stop, kind, ioThreads, generator, realtime,
                wakeGrid);
    }

    /** The same run as {@code role} in a fleet of generators. */
    public LoadSettings withGenerator(Generator role) {
        return new LoadSettings(url, method, body, timeout, warmup, shape, stop, transport, ioThreads, role, realtime,
                wakeGrid);
    }

    /** The same run with the event loops at real-time priority, or not. */
    public LoadSettings withRealtime(boolean asked) {
        return new LoadSettings(url, method, body, timeout, warmup, shape, stop, transport, ioThreads, generator, asked,
                wakeGrid);
    }

    /** The same run with the open loop's timer on a grid of {@code step}. */
    public LoadSettings withWakeGrid(Duration step) {
        return new LoadSettings(url, method, body, timeout, warmup, shape, stop, transport, ioThreads, generator,
                realtime, step);
    }
}
