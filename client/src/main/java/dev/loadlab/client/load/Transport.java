package dev.loadlab.client.load;

import java.util.Optional;

/**
 * What carries a run's requests to the target: opens connections, sends each request when its
 * {@link Load} says so, and reports each outcome to the load's {@link Ledger}: the status, the
 * {@code X-Backend} header and the head of the body of an answer, or the cause of a failure.
 * Two implementations live in {@code dev.loadlab.client.transport}: netty (event loops, no
 * thread per connection) and jdk ({@code java.net.http.HttpClient}, a virtual thread per
 * connection).
 *
 * <p>Everything else is the run's, and the same for both: the timetable or the closed loop's
 * budget (in the {@link Load}), the accounting and the timeout rule (the {@link Ledger}), and
 * the watchdog's period ({@link LoadRun} calls {@link InFlight#sweepOverdue}).
 *
 * <p><b>Threads.</b> {@link #start} and every method of {@link InFlight} are called by the one
 * thread that drives the run; {@link #close} by the thread that opened the transport.
 */
public interface Transport extends AutoCloseable {

    /** Starts carrying {@code load}; called once. */
    InFlight start(Load load);

    /** A short description for the result files, e.g. {@code netty 4.2.18.Final, epoll, 1 event loop}. */
    String description();

    /**
     * What the user should know about how the requests are carried that differs from what was
     * asked (an option the machine refused), one sentence; empty when nothing.
     */
    default Optional<String> warning() {
        return Optional.empty();
    }

    /** Closes every connection and stops the transport's threads. */
    @Override
    void close();

    /** A load being carried. */
    interface InFlight {
        /**
         * True once every connection has ended: its load has nothing more for it and the
         * outcome of its last request is recorded. Waits at most {@code nanos}.
         */
        boolean awaitEnded(long nanos) throws InterruptedException;

        /**
         * The watchdog: every request not answered {@code timeout} after it was sent is counted
         * as a timeout at that time ({@link Ledger#sweptTimeout}) and given up, its connection
         * closed. May return before the sweep is done (the netty transport sweeps on its loops).
         */
        void sweepOverdue();
    }
}
