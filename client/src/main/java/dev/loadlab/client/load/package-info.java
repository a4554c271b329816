/**
 * The load engine: what to send and when, and how every request is accounted for, whatever
 * transport carries it.
 *
 * <p><b>Connections.</b> A run has a fixed set of connections (the closed loop's concurrency,
 * the open loop's {@code --connections}), each with at most one request in flight. A
 * {@link dev.loadlab.client.load.Transport} owns them: the jdk transport as one virtual thread
 * per connection (a <em>sender</em>), the netty transport as connections on event loops. When a
 * connection's request is settled it asks the run's {@link dev.loadlab.client.load.ClosedLoopBudget}
 * (closed loop) or the shared {@link dev.loadlab.client.load.Timetable} (open loop) what to send
 * next, or ends.
 *
 * <p><b>Settlement.</b> Every measured request is counted as sent before it can be settled, and
 * settled exactly once through the {@link dev.loadlab.client.load.Ledger}: answered (an answer
 * later than {@code --timeout} is a timeout recorded at the timeout), failed with a cause, or
 * given up by the watchdog. The transport guarantees the "exactly once": the jdk transport by a
 * compare-and-set that its sender and the watchdog race for, the netty transport by settling
 * and sweeping on the connection's own event loop.
 *
 * <p><b>Watchdog.</b> The thread that drives the run ({@link dev.loadlab.client.load.LoadRun})
 * waits for the connections to end and, every 100 ms, asks the transport to sweep: a request
 * not answered {@code --timeout} after it was sent is a timeout at exactly that time, and its
 * connection is closed. It is the only timer: no request carries a timeout of its own.
 *
 * <p>Only once every connection has ended are the counts read, so {@code sent == successful +
 * failed} in every result.
 */
package dev.loadlab.client.load;
