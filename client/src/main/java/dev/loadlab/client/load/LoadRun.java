package dev.loadlab.client.load;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

import dev.loadlab.client.record.HistogramKind;
import dev.loadlab.client.record.IntervalSampler;
import dev.loadlab.client.record.IntervalSink;
import dev.loadlab.client.record.RunRecorder;

/**
 * Runs one load test: warm-up, measured phase, then the wait for what is still in flight.
 *
 * <p>The sequence, and why:
 * <ol>
 *   <li>Warm-up requests are sent like the others but never recorded.</li>
 *   <li>The measured phase sends until its stop condition.</li>
 *   <li>Requests still in flight are awaited up to {@code --timeout} (plus a short grace for
 *       the client's own timeout to fire first); whatever is left is counted as a timeout
 *       and aborted. Nothing is dropped: {@code sent == successful + failed}.</li>
 *   <li>Only then is the last interval taken, so every recorded value is in the totals.</li>
 * </ol>
 *
 * <p>Called by one thread, which blocks until the run is over.
 */
public final class LoadRun {
    private static final long SETTLE_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private LoadRun() {
    }

    public static RunOutcome execute(LoadSettings settings, List<IntervalSink> sinks) throws InterruptedException {
        RunRecorder recorder = new RunRecorder();
        Ledger ledger = new Ledger(recorder);
        IntervalSampler sampler = new IntervalSampler(recorder, sinks);
        long warmupNanos = settings.warmup().toNanos();
        try (HttpTarget target = new HttpTarget(settings)) {
            long startNanos = System.nanoTime();
            long measuredStartNanos = startNanos + warmupNanos;
            long measuredStartEpochMillis = System.currentTimeMillis() + settings.warmup().toMillis();
            sampler.start(measuredStartNanos, measuredStartEpochMillis);

            long dispatchEndNanos;
            Optional<ScheduleOutcome> schedule;
            switch (settings.shape()) {
                case LoadShape.ClosedLoop closed -> {
                    dispatchEndNanos = new ClosedLoopDriver(target, ledger, closed.concurrency(),
                            measuredStartNanos, settings.stop()).run();
                    schedule = Optional.empty();
                }
                case LoadShape.OpenLoop open -> {
                    ScheduleOutcome kept = new OpenLoopDriver(target, ledger, open, startNanos, warmupNanos,
                            settings.stop()).run();
                    dispatchEndNanos = kept.sent() > 0 ? kept.lastSentNanos() : System.nanoTime();
                    schedule = Optional.of(kept);
                }
            }

            long deadlineNanos = dispatchEndNanos + settings.timeout().toNanos() + SETTLE_GRACE_NANOS;
            long swept = ledger.awaitSettled(deadlineNanos) ? 0 : ledger.sweepAsTimeouts(System.nanoTime());
            long lastSettledNanos = ledger.lastSettledNanos();
            long endNanos = lastSettledNanos == Long.MIN_VALUE
                    ? Math.max(measuredStartNanos, System.nanoTime())
                    : lastSettledNanos;
            Map<HistogramKind, Histogram> histograms = sampler.finish(endNanos);
            return new RunOutcome(settings, Instant.ofEpochMilli(measuredStartEpochMillis),
                    Math.max(0, endNanos - measuredStartNanos), recorder.counts(), swept, histograms, schedule);
        }
    }
}
