package dev.loadlab.client.load;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.HdrHistogram.Histogram;

import dev.loadlab.client.record.HistogramKind;
import dev.loadlab.client.record.RunRecorder;

/**
 * Everything a finished run measured. Immutable once returned.
 *
 * @param startTime       wall-clock start of the measured phase (after any warm-up)
 * @param totalNanos      from the start of the measured phase to the last request's outcome
 * @param counts          the counters; {@code sent == successful + failed}
 * @param sweptTimeouts   requests still in flight {@code --timeout} after sending ended,
 *                        counted as timeouts (they are part of {@code failures.timeout})
 * @param histograms      the five distributions, in microseconds
 * @param schedule        the open loop's timetable keeping; empty for a closed loop
 */
public record RunOutcome(LoadSettings settings, Instant startTime, long totalNanos, RunRecorder.Counts counts,
                         long sweptTimeouts, Map<HistogramKind, Histogram> histograms,
                         Optional<ScheduleOutcome> schedule) {

    public Histogram histogram(HistogramKind kind) {
        return histograms.get(kind);
    }

    public double totalSeconds() {
        return totalNanos / 1e9;
    }
}
