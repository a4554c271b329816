package dev.loadlab.balancer.proxy;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.xnio.XnioIoThread;

/**
 * The balancer's time limit for one request ({@code --max-request-ms}), from its arrival to the
 * end of its answer, kept without a timer per request.
 *
 * <p>Every request has the same limit, so a list in arrival order is also in deadline order. Each
 * I/O thread keeps the requests it is proxying in such a list, linked through the requests
 * themselves: joining and leaving it allocate nothing and cost a few pointer writes, where a timer
 * per request (what Undertow's proxy handler does with its own limit) is an insertion into and a
 * removal from a sorted set. Every {@code period} the I/O thread looks at the oldest requests and
 * hands each overdue one to the action; a request therefore ends at most one period after its
 * deadline.
 *
 * <p>Threading: a request joins and leaves the list of its exchange's I/O thread, on that thread,
 * and the sweep runs on it too, so no list is ever touched by two threads.
 */
final class RequestDeadlines {
    private final long limitNanos;
    private final long periodMillis;
    private final Consumer<Forwarding> overdue;
    private final ThreadLocal<InFlight> perThread = ThreadLocal.withInitial(this::startSweeping);

    /**
     * @param limitMillis the time limit of one request
     * @param overdue     what to do with a request past its deadline; called on its I/O thread,
     *                    after the request has left the list
     */
    RequestDeadlines(long limitMillis, Consumer<Forwarding> overdue) {
        this.limitNanos = TimeUnit.MILLISECONDS.toNanos(limitMillis);
        // An eighth of the limit keeps the overshoot small; 10 ms to 1 s keeps the sweeps cheap.
        this.periodMillis = Math.clamp(limitMillis / 8, 10, 1000);
        this.overdue = overdue;
    }

    /** On the request's I/O thread, when it arrives: it joins that thread's list. */
    void start(Forwarding forwarding) {
        forwarding.deadlineNanos = System.nanoTime() + limitNanos;
        perThread.get().append(forwarding);
    }

    /** On the request's I/O thread, when it has ended; does nothing if it already left. */
    void stop(Forwarding forwarding) {
        if (forwarding.deadlineList != null) {
            forwarding.deadlineList.unlink(forwarding);
        }
    }

    private InFlight startSweeping() {
        InFlight list = new InFlight();
        XnioIoThread.requireCurrentThread().executeAtInterval(list::sweep, periodMillis, TimeUnit.MILLISECONDS);
        return list;
    }

    /** One I/O thread's requests in flight, oldest first. */
    final class InFlight {
        private Forwarding oldest;
        private Forwarding newest;

        void append(Forwarding forwarding) {
            forwarding.olderInFlight = newest;
            forwarding.newerInFlight = null;
            if (newest == null) {
                oldest = forwarding;
            } else {
                newest.newerInFlight = forwarding;
            }
            newest = forwarding;
            forwarding.deadlineList = this;
        }

        void unlink(Forwarding forwarding) {
            Forwarding older = forwarding.olderInFlight;
            Forwarding newer = forwarding.newerInFlight;
            if (older == null) {
                oldest = newer;
            } else {
                older.newerInFlight = newer;
            }
            if (newer == null) {
                newest = older;
            } else {
                newer.olderInFlight = older;
            }
            forwarding.olderInFlight = null;
            forwarding.newerInFlight = null;
            forwarding.deadlineList = null;
        }

        void sweep() {
            long now = System.nanoTime();
            while (oldest != null && now - oldest.deadlineNanos >= 0) {
                Forwarding late = oldest;
                unlink(late);
                overdue.accept(late);
            }
        }
    }
}
