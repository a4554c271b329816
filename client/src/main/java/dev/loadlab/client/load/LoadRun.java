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

/**
 * Runs one load test: warm-up, measured phase, then the wait for what is still in flight.
 *
 * <p>The sequence, and why:
 * <ol>
 *   <li>A fixed set of senders (virtual threads, one request in flight each) is started:
 *       the closed loop's workers or the open loop's connections.</li>
 *   <li>Warm-up requests are sent like the others but never recorded.</li>
 *   <li>Each sender stops once the stop condition (closed loop) or the timetable (open loop)
 *       has nothing more for it, after recording the outcome of its last request. A request
 *       whose answer has not ended {@code --timeout} after it left is counted as a timeout
 *       (at that time) and aborted by the watchdog this thread runs every 100 ms. So every
 *       sender ends, and nothing is dropped: {@code sent == successful + failed}.</li>
 *   <li>Only once every sender has ended are the counts read and the last interval taken,
 *       so every recorded value is in the totals.</li>
 * </ol>
 *
 * <p>Called by one thread, which blocks until the run is over.
 */
public final class LoadRun {
    private static final long WATCHDOG_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private LoadRun() {
    }

    public static RunOutcome execute(LoadSettings settings, List<IntervalSink> sinks) throws InterruptedException {
        RunRecorder recorder = new RunRecorder();
        Ledger ledger = new Ledger(recorder);
        IntervalSampler sampler = new IntervalSampler(recorder, sinks);
        long warmupNanos = settings.warmup().toNanos();
        long timeoutNanos = settings.timeout().toNanos();
        try (HttpTarget target = new HttpTarget(settings)) {
            long startNanos = System.nanoTime();
            long measuredStartNanos = startNanos + warmupNanos;
            long measuredStartEpochMillis = System.currentTimeMillis() + settings.warmup().toMillis();
            sampler.start(measuredStartNanos, measuredStartEpochMillis);

            SenderGroup senders;
            OpenLoopDriver openLoop = null;
            switch (settings.shape()) {
                case LoadShape.ClosedLoop closed -> {
                    senders = new SenderGroup(target, ledger, closed.concurrency(), timeoutNanos);
                    new ClosedLoopDriver(measuredStartNanos, settings.stop()).start(senders);
                }
                case LoadShape.OpenLoop open -> {
                    senders = new SenderGroup(target, ledger, open.connections(), timeoutNanos);
                    openLoop = new OpenLoopDriver(open, startNanos, warmupNanos, settings.stop());
                    openLoop.start(senders);
                }
            }

            CpuUsage.Reading cpuAtStart = null;
            while (true) {
                long now = System.nanoTime();
                if (cpuAtStart == null && now >= measuredStartNanos) {
                    cpuAtStart = CpuUsage.Reading.now();
                }
                long wait = cpuAtStart == null
                        ? Math.min(WATCHDOG_PERIOD_NANOS, measuredStartNanos - now)
                        : WATCHDOG_PERIOD_NANOS;
                if (senders.awaitEnded(wait)) {
                    break;
                }
                ledger.sweepOverdue(senders.senders(), System.nanoTime(), timeoutNanos);
            }
            CpuUsage.Reading cpuAtEnd = CpuUsage.Reading.now();
            CpuUsage cpu = (cpuAtStart == null ? cpuAtEnd : cpuAtStart).until(cpuAtEnd);

            long lastSettledNanos = Math.max(senders.lastSettledNanos(), ledger.lastSweptNanos());
            long endNanos = lastSettledNanos == Long.MIN_VALUE
                    ? Math.max(measuredStartNanos, System.nanoTime())
                    : lastSettledNanos;
            Map<HistogramKind, Histogram> histograms = sampler.finish(endNanos);
            Optional<ScheduleOutcome> schedule = Optional.ofNullable(openLoop).map(OpenLoopDriver::outcome);
            return new RunOutcome(settings, Instant.ofEpochMilli(measuredStartEpochMillis),
                    Math.max(0, endNanos - measuredStartNanos), recorder.counts(), ledger.swept(), histograms,
                    schedule, cpu);
        }
    }
}
