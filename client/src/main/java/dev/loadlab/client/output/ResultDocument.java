package dev.loadlab.client.output;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.loadlab.client.load.LoadShape;
import dev.loadlab.client.load.RunOutcome;
import dev.loadlab.client.load.ScheduleOutcome;
import dev.loadlab.client.record.CpuUsage;
import dev.loadlab.client.record.HistogramKind;
import dev.loadlab.client.record.WakeupProbe;

/**
 * The {@code result.json} of a run: settings, environment and every figure. Field names are
 * written in snake_case; client/README.md documents each one. Change {@link #SCHEMA_VERSION}
 * when a field changes meaning or disappears; adding a field keeps the version.
 */
public record ResultDocument(int schemaVersion, String tool, String label, String startTime,
                             List<String> commandLine, Settings settings, Environment environment,
                             Counts counts, Map<String, Long> failures, Map<String, Long> errorCodes,
                             Map<String, Long> statusCounts, Map<String, Long> backends,
                             double totalTimeMs, double throughputRps, double successfulThroughputRps,
                             Schedule schedule, Map<String, HistogramSummary> histograms,
                             double clientCpuSeconds,
                             @JsonProperty("client_cpu_per_10k_requests") double clientCpuPer10kRequests,
                             double clientCpuUtilization, Double machineCpuUtilization,
                             boolean clientSaturated, Double machineCpuSteal, boolean disturbed,
                             Double foreignCpuUtilization, ClientLimit clientLimit,
                             Generator generator, Merge merge, WakeupProbe.Latency wakeupLatency) {

    public static final int SCHEMA_VERSION = 1;

    /**
     * This run's part in a fleet of generators ({@code --generator I/N}, {@code --start-at}):
     * index 0 of 1 for a run alone. Null in results written before it existed.
     *
     * @param startAt     {@code --start-at}, the shared start of the measured phase (ISO-8601), or null
     * @param lateStartMs how long after its timetable's slot 0 ({@code start_at} minus the warm-up)
     *                    the generator was ready to send; 0 when on time
     */
    public record Generator(int index, int count, String startAt, double lateStartMs) {
    }

    /**
     * How a merged result was made ({@code client merge}); null for a run's own result.
     *
     * @param generators        the merged generators, by index
     * @param startAt           their common {@code --start-at} (ISO-8601), or null when they had none
     * @param startSpreadMs     latest minus earliest moment a generator began sending
     * @param startToleranceMs  {@code --start-tolerance}: a start later than this behind the
     *                          earliest, or behind {@code start_at}, is a warning
     * @param warnings          one sentence per generator whose start disagrees; empty when none
     */
    public record Merge(List<MergedGenerator> generators, String startAt, double startSpreadMs,
                        double startToleranceMs, List<String> warnings) {
        public Merge {
            generators = List.copyOf(generators);
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * One generator of a merge.
     *
     * @param directory the folder its result was read from
     * @param began     ISO-8601 instant it began sending, by its own clock
     */
    public record MergedGenerator(int index, String directory, String began, double lateStartMs, long sent,
                                  long successful, long failed, boolean clientLimited) {
    }

    /**
     * What was asked for, as given on the command line. Absent options are null;
     * {@code ioThreads} is null for the jdk transport, which has no such option; {@code realtime}
     * is true when {@code --realtime} was given (what the loops got is in
     * {@link Environment#transport}); {@code wakeGridMs} is the netty open loop's wake-up grid
     * step ({@code --wake-grid}, 1 by default), null for a closed loop and the jdk transport.
     */
    public record Settings(String url, String method, String body, String mode, Integer concurrency,
                           Double rateHz, String arrival, Long seed, Long requests, Long durationMs,
                           long warmupMs, long timeoutMs, Integer ioMs, Integer cpuMs, Map<String, String> params,
                           Integer connections, String transport, Integer ioThreads, Boolean realtime,
                           Double wakeGridMs) {
    }

    /**
     * Where the client ran, and what carried its requests ({@code transport}, e.g. "netty
     * 4.2.18.Final, epoll, 1 event loop", with ", SCHED_FIFO 1" when its loops ran at real-time
     * priority, or why not when {@code --realtime} was refused).
     */
    public record Environment(String jdk, String jdkVendor, String jvm, String os, String arch, int cores,
                              long maxHeapBytes, String transport) {
        public static Environment current(String transport) {
            Runtime runtime = Runtime.getRuntime();
            return new Environment(Runtime.version().toString(), System.getProperty("java.vendor"),
                    System.getProperty("java.vm.name"),
                    System.getProperty("os.name") + " " + System.getProperty("os.version"),
                    System.getProperty("os.arch"), runtime.availableProcessors(), runtime.maxMemory(), transport);
        }
    }

    /**
     * The client's own verdict on whether it, rather than the server, was the limit of the run,
     * and why: its CPU ({@link CpuUsage#limitReasons}) and, for an open loop, its schedule
     * keeping where it matters to the figures ({@link ScheduleOutcome#limitReasons}). The only
     * such judgement: readers of {@code result.json} (the suite's report) show it and decide
     * nothing themselves.
     *
     * @param reasons one sentence per reason, e.g. "client used 93% of the machine's cores";
     *                empty when not limited
     */
    public record ClientLimit(boolean limited, List<String> reasons) {
        public ClientLimit {
            reasons = List.copyOf(reasons);
        }

        static ClientLimit of(CpuUsage cpu, ScheduleOutcome schedule, double dispatchLagP99Nanos,
                double latencyP99Nanos) {
            List<String> reasons = new ArrayList<>(cpu.limitReasons());
            if (schedule != null) {
                reasons.addAll(schedule.limitReasons(dispatchLagP99Nanos, latencyP99Nanos));
            }
            return new ClientLimit(!reasons.isEmpty(), reasons);
        }
    }

    /** {@code sent == successful + failed}; {@code swept_timeouts} are included in {@code failed}. */
    public record Counts(long sent, long successful, long failed, long sweptTimeouts, long bytesReceived) {
    }

    /** How the open loop kept its timetable; null for a closed loop. */
    public record Schedule(double targetRateHz, String arrival, long sent, double dispatchWindowMs,
                           double achievedRateHz, double lateThresholdMs, long lateRequests,
                           boolean behindSchedule, int connections, double scheduledRateHz) {

        /** The document's view of {@code s}; behind schedule judged on the dispatch-lag p99 given. */
        public static Schedule of(ScheduleOutcome s, double dispatchLagP99Nanos) {
            return new Schedule(s.targetRateHz(), s.arrival() == LoadShape.Arrival.UNIFORM ? "uniform" : "poisson",
                    s.sent(), s.dispatchWindowNanos() / 1e6, s.achievedRateHz(), s.lateThresholdNanos() / 1e6,
                    s.lateRequests(), s.behind(dispatchLagP99Nanos), s.connections(), s.scheduledRateHz());
        }
    }

    public static ResultDocument of(RunOutcome outcome, Settings settings, List<String> commandLine, String label) {
        var counts = outcome.counts();
        double seconds = outcome.totalSeconds();
        Map<String, HistogramSummary> histograms = new LinkedHashMap<>();
        for (HistogramKind kind : HistogramKind.values()) {
            histograms.put(kind.tag(), HistogramSummary.of(outcome.histogram(kind)));
        }
        double lagP99Nanos = histograms.get(HistogramKind.DISPATCH_LAG.tag()).p99Ms() * 1e6;
        Schedule schedule = outcome.schedule().map(s -> Schedule.of(s, lagP99Nanos)).orElse(null);
        var cpu = outcome.cpu();
        ClientLimit limit = ClientLimit.of(cpu, outcome.schedule().orElse(null), lagP99Nanos,
                histograms.get(HistogramKind.LATENCY.tag()).p99Ms() * 1e6);
        double cpuSeconds = cpu.clientCpuNanos() / 1e9;
        long completed = counts.completed();
        return new ResultDocument(SCHEMA_VERSION, "loadlab-client", label, outcome.startTime().toString(),
                List.copyOf(commandLine), settings, Environment.current(outcome.transport()),
                new Counts(counts.sent(), counts.successful(), counts.failed(), outcome.sweptTimeouts(),
                        counts.bytesReceived()),
                counts.failures(), counts.errorCodes(), counts.statusCounts(), counts.backends(),
                outcome.totalNanos() / 1e6, perSecond(counts.completed(), seconds),
                perSecond(counts.successful(), seconds), schedule, histograms,
                cpuSeconds, cpuPer10kRequests(cpuSeconds, completed),
                cpu.clientUtilization(), cpu.machineBusy().isPresent() ? cpu.machineBusy().getAsDouble() : null,
                limit.limited(),
                cpu.machineSteal().isPresent() ? cpu.machineSteal().getAsDouble() : null, cpu.disturbed(),
                cpu.foreignUtilization().isPresent() ? cpu.foreignUtilization().getAsDouble() : null, limit,
                generator(outcome), null, outcome.wakeupLatency());
    }

    /** {@code count} per second over {@code seconds}; 0 for an empty window. */
    public static double perSecond(long count, double seconds) {
        return seconds > 0 ? count / seconds : 0;
    }

    /** {@code client_cpu_per_10k_requests}: 0 when nothing completed. */
    public static double cpuPer10kRequests(double cpuSeconds, long completed) {
        return completed > 0 ? cpuSeconds * 10_000 / completed : 0;
    }

    private static Generator generator(RunOutcome outcome) {
        dev.loadlab.client.load.Generator role = outcome.settings().generator();
        return new Generator(role.index(), role.count(), role.startAt().map(Object::toString).orElse(null),
                outcome.lateStartNanos() / 1e6);
    }
}
