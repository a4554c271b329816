package dev.loadlab.client.oracle;

import java.util.PriorityQueue;
import java.util.function.LongSupplier;

import org.HdrHistogram.Histogram;

import dev.loadlab.client.record.RunRecorder;

/**
 * What a perfect open-loop generator must report against an {@link OracleServer}: the
 * timetable, the connections and the oracle's answer times, played through exactly, with no
 * overhead anywhere.
 *
 * <p>The model. Request i is due at {@code round(i * 1e9 / rate)} ns (uniform arrivals),
 * from the start of the warm-up; requests due in the first {@code warmup} are sent but not
 * reported. The {@code connections} are the servers of a multi-server FIFO queue fed by that
 * timetable: each request, in timetable order, leaves at its slot or, when every connection is
 * busy, the moment the first one frees (its answer arrived). The oracle serves any number at
 * once, so a request's answer is due its service time after it left, and leaves the server
 * then, unless that falls inside the stall, in which case it leaves when the stall ends. The
 * stall starts when request {@link Stall#atRequest} leaves. Sends never go backwards in time
 * (each takes the earliest free connection), so the oracle sees the requests in timetable order
 * and gives the i-th its i-th service time.
 *
 * <p>Latency from intended time is answer − slot, uncorrected latency answer − send, both in
 * whole microseconds (truncated, as the client records them) in histograms of the client's
 * range and precision, so that the two are read with the same percentile arithmetic.
 *
 * <p>Any overhead of a real run (dispatch, network, timers) only delays sends and answers, and
 * every quantity here is non-decreasing in each send and answer time; so a real generator can
 * only report more than the model, apart from the few requests near the stall's edges.
 */
public final class OracleModel {
    private final Histogram latency = RunRecorder.newHistogram();
    private final Histogram uncorrected = RunRecorder.newHistogram();
    private final long heldInFlight;

    private OracleModel(double rateHz, long warmupNanos, long durationNanos, int connections,
                        ServiceTime serviceTime, Stall stall) {
        double intervalNanos = 1e9 / rateHz;
        long endNanos = warmupNanos + durationNanos;
        LongSupplier service = serviceTime.sequence();
        PriorityQueue<Long> freeAt = new PriorityQueue<>();
        for (int c = 0; c < connections; c++) {
            freeAt.add(Long.MIN_VALUE);
        }
        int count = (int) Math.ceil(endNanos / intervalNanos) + 1;
        long[] slots = new long[count];
        long[] sends = new long[count];
        long[] dues = new long[count];
        long stallStart = Long.MAX_VALUE;
        long stallEnd = Long.MAX_VALUE;
        int n = 0;
        for (long slot; (slot = Math.round(n * intervalNanos)) < endNanos; n++) {
            long send = Math.max(slot, freeAt.remove());
            if (n == stall.atRequest()) {
                stallStart = send;
                stallEnd = send + stall.nanos();
                PriorityQueue<Long> held = new PriorityQueue<>();
                for (long due : freeAt) {
                    held.add(Stall.answerNanos(due, stallStart, stallEnd));
                }
                freeAt = held;
            }
            long due = send + service.getAsLong();
            slots[n] = slot;
            sends[n] = send;
            dues[n] = due;
            freeAt.add(Stall.answerNanos(due, stallStart, stallEnd));
        }
        long held = 0;
        for (int i = 0; i < n; i++) {
            if (slots[i] < warmupNanos) {
                continue;
            }
            long answer = Stall.answerNanos(dues[i], stallStart, stallEnd);
            latency.recordValue((answer - slots[i]) / 1_000);
            uncorrected.recordValue((answer - sends[i]) / 1_000);
            if (answer != dues[i]) {
                held++;
            }
        }
        this.heldInFlight = held;
    }

    /**
     * The model of an open loop at {@code rateHz} (uniform) over {@code connections}, warmed up
     * for {@code warmupNanos}, measured for {@code durationNanos}, against an oracle with
     * {@code serviceTime} and {@code stall}.
     */
    public static OracleModel of(double rateHz, long warmupNanos, long durationNanos, int connections,
                                 ServiceTime serviceTime, Stall stall) {
        return new OracleModel(rateHz, warmupNanos, durationNanos, connections, serviceTime, stall);
    }

    /** Latency from intended send time, µs, of every measured request. */
    public Histogram latency() {
        return latency;
    }

    /** Latency from actual send, µs, of every measured request. */
    public Histogram uncorrected() {
        return uncorrected;
    }

    /** Measured requests whose answer the stall held: those in flight on the server during it. */
    public long heldInFlight() {
        return heldInFlight;
    }
}
