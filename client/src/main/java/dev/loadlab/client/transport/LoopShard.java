package dev.loadlab.client.transport;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

import dev.loadlab.client.load.ClosedLoopBudget;
import dev.loadlab.client.load.Ledger;
import dev.loadlab.client.load.Timetable;

/**
 * The connections of one netty event loop and what decides when each sends: a closed loop's
 * budget or the shared open-loop timetable. Connections hand themselves back with
 * {@link #settled} when their request is settled.
 *
 * <p><b>Threads.</b> Everything but construction (by the driving thread, before
 * {@link #start} is handed to the loop) runs on the shard's event loop.
 */
abstract sealed class LoopShard {
    final EventLoop loop;
    private final Ledger ledger;
    private final NettyTransport transport;
    private final CountDownLatch ended;
    private final List<NettyConnection> connections = new ArrayList<>();
    private final ByteBuf request;

    LoopShard(EventLoop loop, NettyTransport transport, Ledger ledger, CountDownLatch ended) {
        this.loop = loop;
        this.transport = transport;
        this.ledger = ledger;
        this.ended = ended;
        this.request = transport.encodedRequest();
    }

    /** Adds one connection; before {@link #start}. */
    void addConnection(Bootstrap bootstrap) {
        connections.add(new NettyConnection(this, bootstrap));
    }

    /** Sends the first requests. */
    abstract void start();

    /** The connection's last request is settled: it sends again, idles or ends. */
    abstract void settled(NettyConnection connection);

    /** The watchdog's sweep over this loop's connections. */
    final void sweep() {
        long now = System.nanoTime();
        for (NettyConnection connection : connections) {
            connection.giveUpIfOverdue(now);
        }
    }

    final Ledger ledger() {
        return ledger;
    }

    final List<NettyConnection> connections() {
        return connections;
    }

    /** The run's request for one write: a duplicate of the encoded bytes, recycled by the pooled allocator. */
    final ByteBuf request() {
        return request.retainedDuplicate();
    }

    final void addCodec(Channel opened) {
        transport.addCodec(opened);
    }

    final void connectionEnded() {
        ended.countDown();
    }

    /** Frees the encoded request; once the loop has stopped. */
    final void release() {
        request.release();
    }

    /** Each connection sends its next request from the callback that settled its last. */
    static final class Closed extends LoopShard {
        private final ClosedLoopBudget budget;
        /** Connections to send on: a trampoline, so that a request settled while sending never recurses. */
        private final ArrayDeque<NettyConnection> ready = new ArrayDeque<>();
        private boolean draining;

        Closed(EventLoop loop, NettyTransport transport, Ledger ledger, CountDownLatch ended,
               ClosedLoopBudget budget) {
            super(loop, transport, ledger, ended);
            this.budget = budget;
        }

        @Override
        void start() {
            connections().forEach(this::settled);
        }

        @Override
        void settled(NettyConnection connection) {
            ready.add(connection);
            if (draining) {
                return;
            }
            draining = true;
            try {
                NettyConnection next;
                while ((next = ready.poll()) != null) {
                    long now = System.nanoTime();
                    int phase = budget.next(now);
                    if (phase == ClosedLoopBudget.DONE) {
                        next.end();
                    } else {
                        next.send(now, now, phase);
                    }
                }
            } finally {
                draining = false;
            }
        }
    }

    /**
     * The open loop on one event loop. At each wake-up of the grid, every due slot goes to an
     * idle connection of this loop; slots due while none is idle wait in the timetable, in order,
     * for the next connection to free (on any loop), and an answer that frees one sends them. The
     * grid is one scheduled wake-up at a time, at the next slot but never sooner than the
     * timetable's grid step (1 ms unless {@code --wake-grid}) after the last one's target
     * ({@link WakeGrid}), and only while a connection idles: never a task per request.
     *
     * <p>While the grid is armed an answer sends nothing, even when a slot has come due since the
     * last wake-up: at 20,000 req/s slots come due between any two wake-ups, so an answer's
     * wake-up that sent them would send one or two requests whose answers wake the loop again, a
     * chain of about five sleeps and wake-ups per millisecond where the grid needs one (measured
     * at 20k against nginx: 0.22-0.24 context switches per request with answers sending, 0.09-0.12
     * without, wrk2 0.08-0.10; client/README.md). A slot therefore leaves up to one step after it
     * is due, as wrk2's, whose timers have a millisecond's resolution.
     *
     * <p>Invariant: {@code tickArmed} is false only while slots wait for a connection, before
     * the first dispatch, while the grid's own dispatch runs, or once the timetable is exhausted;
     * in each an answer dispatches (in the third, {@code dispatching} makes it a no-op).
     */
    static final class Open extends LoopShard {
        private final Timetable timetable;
        private final Timetable.SendLog sendLog;
        /** Idle connections, the most recently used on top: a run at a low rate keeps few open. */
        private final ArrayDeque<NettyConnection> idle = new ArrayDeque<>();
        private final Runnable tick = this::tick;
        private final WakeGrid grid;
        private boolean dispatching;
        private boolean tickArmed;

        Open(EventLoop loop, NettyTransport transport, Ledger ledger, CountDownLatch ended, Timetable timetable) {
            super(loop, transport, ledger, ended);
            this.timetable = timetable;
            this.sendLog = timetable.newSendLog();
            this.grid = new WakeGrid(timetable.wakeGridNanos(), System.nanoTime());
        }

        @Override
        void start() {
            List<NettyConnection> all = connections();
            for (int i = all.size() - 1; i >= 0; i--) {
                idle.push(all.get(i));
            }
            dispatchDue();
        }

        @Override
        void settled(NettyConnection connection) {
            idle.push(connection);
            if (!tickArmed) {
                dispatchDue(); // slots wait for a connection (or the timetable is spent): this one takes the oldest
            }
        }

        private void dispatchDue() {
            if (dispatching) {
                return; // a request settled while sending: the loop below goes on with its connection
            }
            dispatching = true;
            try {
                long startNanos = timetable.startNanos();
                while (!idle.isEmpty()) {
                    long now = System.nanoTime();
                    long offsetNanos = timetable.claimDue(now);
                    if (offsetNanos == Timetable.EXHAUSTED) {
                        while (!idle.isEmpty()) {
                            idle.pop().end();
                        }
                        return;
                    }
                    if (offsetNanos == Timetable.NOT_DUE) {
                        armTick(now);
                        return;
                    }
                    long dueNanos = startNanos + offsetNanos;
                    int phase = timetable.phase(offsetNanos);
                    sendLog.sent(phase, dueNanos, now);
                    idle.pop().send(dueNanos, now, phase);
                }
            } finally {
                dispatching = false;
            }
        }

        private void armTick(long now) {
            if (tickArmed) {
                return;
            }
            tickArmed = true;
            long at = grid.nextTarget(timetable.nextDueNanos());
            loop.schedule(tick, at - now, TimeUnit.NANOSECONDS);
        }

        private void tick() {
            tickArmed = false;
            dispatchDue();
        }
    }
}
