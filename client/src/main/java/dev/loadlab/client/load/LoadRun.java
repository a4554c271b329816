package dev.loadlab.client.load;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

import dev.loadlab.client.record.CpuUsage;
import dev.loadlab.client.record.HistogramKind;
import dev.loadlab.client.record.IntervalSampler;
import dev.loadlab.client.record.IntervalSink;
import dev.loadlab.client.record.RunRecorder;
import dev.loadlab.client.record.WakeupProbe;

/**
 * Runs one load test: warm-up, measured phase, then the wait for what is still in flight.
 *
 * <p>The sequence, and why:
 * <ol>
 *   <li>With {@code --start-at}, it waits for the shared timetable's slot 0 ({@link RunStart}).</li>
 *   <li>The transport opens a fixed set of connections, each with at most one request in
 *       flight: the closed loop's concurrency or the open loop's connections.</li>
 *   <li>Warm-up requests are sent and recorded like the others, into a recorder that is then
 *       dropped: the JIT compiles the measured code during the warm-up, not in the window. Its
 *       intervals are sampled once a second like the measured ones (and dropped), so that the
 *       compiled code has seen fresh histograms: without it, the first value of each measured
 *       histogram hit a branch the warm-up had never taken and deoptimised the whole answer
 *       path (measured at 1,000 req/s: 0.39 s of C2 compilation in the 10 s window, a third of
 *       the client's CPU there).</li>
 *   <li>Each connection stops once the budget (closed loop) or the timetable (open loop) has
 *       nothing more for it, after recording the outcome of its last request. A request not
 *       answered {@code --timeout} after it left is counted as a timeout (at that time) and
 *       given up by the watchdog, which this thread runs every 100 ms. So every connection
 *       ends, and nothing is dropped: {@code sent == successful + failed}.</li>
 *   <li>Only once every connection has ended are the counts read and the last interval taken,
 *       so every recorded value is in the totals.</li>
 *   <li>Beside it all a {@link WakeupProbe} measures how late the machine wakes a thread of the
 *       client's; its measured-phase figures go with the CPU's.</li>
 * </ol>
 *
 * <p>Called by one thread, which blocks until the run is over.
 */
public final class LoadRun {
    private static final long WATCHDOG_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private LoadRun() {
    }

    /**
     * One full collection before slot 0, so that what lives for the whole run (the transport,
     * the recorders' and samplers' histograms, about 10 MB) is in the old generation and no young
     * collection of the run copies it again. Measured at 20,000 req/s with the recommended
     * {@code -XX:+UseSerialGC -Xmn256m}: young pauses of 19-29 ms without it, 8-9 ms with it
     * (one pause every 5-7 s, each putting every slot due meanwhile late). A no-op under
     * {@code -XX:+DisableExplicitGC}.
     */
    private static void tenureWhatLivesForTheRun() {
        System.gc();
    }

    /**
     * Runs {@code settings} through {@code transport}, which the caller opened for these settings
     * and closes. The sinks are finished (the interval log closed) whether the run completes or not.
     */
    public static RunOutcome execute(LoadSettings settings, Transport transport, List<IntervalSink> sinks)
            throws InterruptedException {
        RunRecorder recorder = new RunRecorder();
        Ledger ledger = new Ledger(recorder, settings.timeout().toNanos());
        long warmupNanos = settings.warmup().toNanos();
        Generator generator = settings.generator();
        try (IntervalSampler sampler = new IntervalSampler(recorder, sinks);
             IntervalSampler warmupSampler = new IntervalSampler(ledger.warmupRecorder(), List.of());
             WakeupProbe wakeups = WakeupProbe.start()) {
            tenureWhatLivesForTheRun();
            RunStart start = RunStart.await(settings);
            long startNanos = start.slotZeroNanos();
            long measuredStartNanos = startNanos + warmupNanos;
            long measuredStartEpochMillis = start.measuredStartEpochMillis();
            sampler.start(measuredStartNanos, measuredStartEpochMillis);
            warmupSampler.start(startNanos, measuredStartEpochMillis - TimeUnit.NANOSECONDS.toMillis(warmupNanos));

            Timetable timetable = null;
            Load load = switch (settings.shape()) {
                case LoadShape.ClosedLoop closed -> new Load.Closed(ledger, generator.share(closed.concurrency()),
                        new ClosedLoopBudget(measuredStartNanos, generator.share(settings.stop())));
                case LoadShape.OpenLoop open -> new Load.Open(ledger, generator.share(open.connections()),
                        timetable = new Timetable(open, generator, startNanos, warmupNanos, settings.stop(),
                                settings.wakeGrid().toNanos()));
            };
            Transport.InFlight inFlight = transport.start(load);

            CpuUsage.Reading cpuAtStart = null;
            while (true) {
                long now = System.nanoTime();
                if (cpuAtStart == null && now >= measuredStartNanos) {
                    warmupSampler.close();
                    wakeups.startMeasuring();
                    cpuAtStart = CpuUsage.Reading.now();
                }
                long wait = cpuAtStart == null
                        ? Math.min(WATCHDOG_PERIOD_NANOS, measuredStartNanos - now)
                        : WATCHDOG_PERIOD_NANOS;
                if (inFlight.awaitEnded(wait)) {
                    break;
                }
                inFlight.sweepOverdue();
            }
            CpuUsage.Reading cpuAtEnd = CpuUsage.Reading.now();
            CpuUsage cpu = (cpuAtStart == null ? cpuAtEnd : cpuAtStart).until(cpuAtEnd);
            WakeupProbe.Latency wakeupLatency = wakeups.finish();

            long lastSettledNanos = ledger.lastSettledNanos();
            long endNanos = lastSettledNanos == Long.MIN_VALUE
                    ? Math.max(measuredStartNanos, System.nanoTime())
                    : lastSettledNanos;
            Map<HistogramKind, Histogram> histograms = sampler.finish(endNanos);
            Optional<ScheduleOutcome> schedule = Optional.ofNullable(timetable).map(Timetable::outcome);
            return new RunOutcome(settings, Instant.ofEpochMilli(measuredStartEpochMillis),
                    Math.max(0, endNanos - measuredStartNanos), recorder.counts(), ledger.swept(), histograms,
                    schedule, cpu, wakeupLatency, transport.description(), start.lateNanos());
        }
    }
}
