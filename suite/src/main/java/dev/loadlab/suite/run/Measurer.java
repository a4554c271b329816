package dev.loadlab.suite.run;

import dev.loadlab.client.output.ResultDocument;
import dev.loadlab.client.record.MachineTicks;
import dev.loadlab.suite.plan.SuitePlan;
import dev.loadlab.suite.results.MachineShare;
import dev.loadlab.suite.results.RunRecord;
import dev.loadlab.suite.results.SuiteResults;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Runs one client run and records it: waits for a quiet machine if asked to, starts the client,
 * lets a fault begin with it, and once it is over takes each process's CPU and the machine's over
 * exactly the client's measured window (which the client's result gives).
 *
 * <p>Threading: the suite's thread only.
 */
final class Measurer {
    /** The window over which the machine is judged quiet, before the suite and before a run. */
    static final long QUIET_WINDOW_MILLIS = 1_000;

    /**
     * What a run loads: the process the client talks to, and, behind a balancer, its backends
     * (whose CPU is the servers' CPU; the balancer's is its own figure).
     */
    record Target(ManagedProcess entry, List<ManagedProcess> backends) {
        static Target server(ManagedProcess server) {
            return new Target(server, List.of());
        }

        boolean behindBalancer() {
            return !backends.isEmpty();
        }
    }

    private final SuitePlan plan;
    private final Launcher launcher;
    private final CpuSampler sampler;
    private final Progress progress;
    private final List<RunRecord> records;

    Measurer(SuitePlan plan, Launcher launcher, CpuSampler sampler, Progress progress, List<RunRecord> records) {
        this.plan = plan;
        this.launcher = launcher;
        this.sampler = sampler;
        this.progress = progress;
        this.records = records;
    }

    /**
     * Runs the client for {@code record} against {@code target} with {@code load} (its URL and
     * loop), {@code fault} beginning with it, records the outcome, and returns the client's result
     * if it wrote one. The fault is closed (undone) before this returns.
     */
    Optional<ResultDocument> measure(RunRecord record, Target target, List<String> load, Fault fault)
            throws IOException, InterruptedException {
        awaitQuiet();
        progress.runStarted(record.cell(), plan.repeats() > 1 ? record.repeat() : 0);
        Path resultDir = plan.outputDirectory().resolve(record.resultDir());
        List<String> arguments = new ArrayList<>(load);
        arguments.addAll(List.of("--io-ms", String.valueOf(plan.ioMillis()), "--cpu-ms", String.valueOf(plan.cpuMillis()),
                "--duration", plan.durationSeconds() + "s", "--warmup", plan.warmupSeconds() + "s",
                "--output", resultDir.toString(), "--label", record.id(), "--quiet"));
        Path log = launcher.logs().resolve("client-" + record.id() + ".log");
        long boundSeconds = plan.durationSeconds() + plan.warmupSeconds() + record.timeoutMillis() / 1000
                + Launcher.CLIENT_GRACE_SECONDS;
        Integer exitCode;
        String note = null;
        Map<String, Long> routedBefore = target.behindBalancer() ? BalancerAdmin.routed(target.entry().port()) : null;
        BatchClient.Call call = launcher.startClient(arguments, log);
        ManagedProcess client = call.process();
        try {
            fault.start((plan.warmupSeconds() + plan.durationSeconds()) * 1000L);
            BatchClient.Answer answer = call.await(Duration.ofSeconds(boundSeconds));
            exitCode = answer.exitCode();
            note = answer.problem();
        } finally {
            try {
                fault.close();
            } catch (ServerDidNotStart | IOException e) {
                note = (note == null ? "" : note + "; ") + "the fault could not be undone: " + e.getMessage();
            }
        }
        List<ManagedProcess> backends = new ArrayList<>(target.backends());
        fault.processes().stream().filter(p -> !backends.contains(p)).forEach(backends::add);
        Double serverCpu = null;
        Double balancerCpu = null;
        MachineShare machine = null;
        Optional<ResultDocument> result = SuiteResults.readResult(resultDir);
        if (result.isPresent()) {
            Window window = window(result.get(), target.entry(), backends, target.behindBalancer(), client);
            serverCpu = window.serverCpuSeconds();
            balancerCpu = window.balancerCpuSeconds();
            machine = window.machine();
        } else if (note == null) {
            note = "the client wrote no result (exit code " + exitCode + "); see logs/" + log.getFileName();
        }
        Map<String, Long> routed = target.behindBalancer()
                ? since(routedBefore, BalancerAdmin.routed(target.entry().port())) : null;
        fault.processes().stream().filter(p -> !p.alive()).forEach(sampler::forget);
        if (!target.entry().alive() || !fault.current(target.entry()).alive()
                || target.backends().stream().map(fault::current).anyMatch(p -> !p.alive())) {
            note = (note == null ? "" : note + "; ") + "a server died during the run (exit code "
                    + target.entry().exitCode().map(String::valueOf).orElse("?") + "); see logs/";
        }
        RunRecord done = record.withOutcome(serverCpu, balancerCpu, exitCode, routed, machine, note);
        records.add(done);
        progress.runFinished(verdict(result, done));
        return result;
    }

    /**
     * What the balancer routed to each backend between two reads of its counters: this run's
     * requests (its client warm-up included), not those of the runs and warm-ups before it on the
     * same balancer; null if either read failed.
     */
    static Map<String, Long> since(Map<String, Long> before, Map<String, Long> after) {
        if (before == null || after == null) {
            return null;
        }
        Map<String, Long> routed = new LinkedHashMap<>();
        after.forEach((backend, count) -> routed.put(backend, count - before.getOrDefault(backend, 0L)));
        return routed;
    }

    /**
     * The CPU of a run's processes over its measured window.
     *
     * @param serverCpuSeconds   the server's, or behind a balancer all its backends'
     * @param balancerCpuSeconds the balancer's; null without one
     * @param machine            the machine then; null if unknown
     */
    record Window(double serverCpuSeconds, Double balancerCpuSeconds, MachineShare machine) {
    }

    /**
     * The CPU of {@code entry} (the server, or {@code behindBalancer} the balancer in front of
     * {@code backends}), of the backends, and the machine's, over exactly the measured window
     * {@code result} reports.
     */
    Window window(ResultDocument result, ManagedProcess entry, List<ManagedProcess> backends, boolean behindBalancer,
            ManagedProcess client) {
        long from = Instant.parse(result.startTime()).toEpochMilli();
        long to = from + Math.round(result.totalTimeMs());
        double entryCpu = seconds(sampler.cpuBetween(entry, from, to));
        double backendsCpu = backends.stream().mapToDouble(b -> seconds(sampler.cpuBetween(b, from, to))).sum();
        List<ManagedProcess> own = new ArrayList<>(backends);
        own.add(entry);
        own.add(client);
        return new Window(behindBalancer ? backendsCpu : entryCpu, behindBalancer ? entryCpu : null,
                machineShare(from, to, own).orElse(null));
    }

    private static String verdict(Optional<ResultDocument> result, RunRecord record) {
        if (result.isEmpty()) {
            return "FAILED: " + record.note();
        }
        StringBuilder verdict = new StringBuilder(String.format(Locale.ROOT, "%.0f req/s  p99 %.2f ms",
                result.get().successfulThroughputRps(), result.get().histograms().get("latency").p99Ms()));
        if (record.disturbed()) {
            verdict.append("  ⚠ disturbed: ").append(record.machine().disturbance());
        }
        if (result.get().clientLimit() != null && result.get().clientLimit().limited()) {
            verdict.append("  ⚠ client limit: ").append(String.join("; ", result.get().clientLimit().reasons()));
        }
        if (record.note() != null) {
            verdict.append("  (").append(record.note()).append(')');
        }
        return verdict.toString();
    }

    /**
     * The machine between two instants, split into the CPU of {@code own} processes plus the
     * suite's own JVM, and the rest.
     */
    Optional<MachineShare> machineShare(long fromEpochMillis, long toEpochMillis, List<ManagedProcess> own) {
        return machineShare(fromEpochMillis, toEpochMillis, own, 0);
    }

    /** As {@link #machineShare(long, long, List)}, with {@code otherOwnSeconds} more of the suite's own CPU. */
    Optional<MachineShare> machineShare(long fromEpochMillis, long toEpochMillis, List<ManagedProcess> own,
            double otherOwnSeconds) {
        double windowSeconds = (toEpochMillis - fromEpochMillis) / 1000.0;
        if (windowSeconds <= 0) {
            return Optional.empty();
        }
        return sampler.machineBetween(fromEpochMillis, toEpochMillis).map(ticks -> {
            double ownSeconds = otherOwnSeconds + seconds(sampler.selfCpuBetween(fromEpochMillis, toEpochMillis))
                    + own.stream().mapToDouble(p -> seconds(sampler.cpuBetween(p, fromEpochMillis, toEpochMillis)))
                    .sum();
            return MachineShare.of(windowSeconds, ticks.busy() / (double) MachineTicks.PER_SECOND, ownSeconds,
                    ticks.total() == 0 ? 0 : ticks.steal() / (double) ticks.total());
        });
    }

    /** One second of the machine, with only the running servers as its own. */
    Optional<MachineShare> lastSecond() throws InterruptedException {
        long from = System.currentTimeMillis();
        Thread.sleep(QUIET_WINDOW_MILLIS);
        return machineShare(from, System.currentTimeMillis(), launcher.running());
    }

    /**
     * With {@code waitQuietSeconds}, waits until a second passes in which the machine, apart from
     * the suite's processes (its idle servers), is quiet, or until that many seconds have passed.
     */
    void awaitQuiet() throws InterruptedException {
        if (plan.waitQuietSeconds() == 0) {
            return;
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(plan.waitQuietSeconds()).toNanos();
        boolean waited = false;
        while (true) {
            Optional<MachineShare> share = lastSecond();
            if (share.isEmpty() || !share.get().disturbed()) {
                return;
            }
            if (System.nanoTime() >= deadline) {
                progress.note("  the machine is still busy (" + share.get().disturbance() + ") after "
                        + plan.waitQuietSeconds() + " s: running anyway");
                return;
            }
            if (!waited) {
                progress.note("  waiting up to " + plan.waitQuietSeconds() + " s for a quiet machine ("
                        + share.get().disturbance() + ")");
                waited = true;
            }
        }
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
