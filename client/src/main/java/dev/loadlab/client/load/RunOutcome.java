package dev.loadlab.client.load;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.HdrHistogram.Histogram;

import dev.loadlab.client.record.CpuUsage;
import dev.loadlab.client.record.HistogramKind;
import dev.loadlab.client.record.RunRecorder;
import dev.loadlab.client.record.WakeupProbe;

/**
 * Everything a finished run measured. Immutable once returned.
 *
 * @param startTime       wall-clock start of the measured phase (after any warm-up)
 * @param totalNanos      from the start of the measured phase to the last request's outcome
 * @param counts          the counters; {@code sent == successful + failed}
 * @param sweptTimeouts   requests not answered {@code --timeout} after they were sent, counted
 *                        as timeouts by the watchdog and given up (they are part of
 *                        {@code failures.timeout})
 * @param histograms      the five distributions, in microseconds
 * @param schedule        the open loop's timetable keeping; empty for a closed loop
 * @param cpu             the client's CPU use over the measured window
 * @param wakeupLatency   how late the machine woke a sleeping thread of the client's over the
 *                        measured window ({@link WakeupProbe})
 * @param transport       what carried the requests ({@link Transport#description})
 * @param lateStartNanos  how long after its timetable's slot 0 the run was ready to send
 *                        ({@code --start-at}); 0 when on time or alone
 */
public record RunOutcome(LoadSettings settings, Instant startTime, long totalNanos, RunRecorder.Counts counts,
                         long sweptTimeouts, Map<HistogramKind, Histogram> histograms,
                         Optional<ScheduleOutcome> schedule, CpuUsage cpu, WakeupProbe.Latency wakeupLatency,
                         String transport,
                         long lateStartNanos) {

    public Histogram histogram(HistogramKind kind) {
        return histograms.get(kind);
    }

    public double totalSeconds() {
        return totalNanos / 1e9;
    }
}
