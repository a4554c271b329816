package dev.loadlab.suite.run;

import dev.loadlab.client.output.ResultDocument;
import dev.loadlab.client.record.MachineTicks;
import dev.loadlab.suite.plan.Catalog;
import dev.loadlab.suite.plan.SuitePlan;
import dev.loadlab.suite.results.MachineShare;
import dev.loadlab.suite.results.RunRecord;
import dev.loadlab.suite.results.SuiteEnvironment;
import dev.loadlab.suite.results.SuiteResults;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
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
 * Runs the comparison: starts every server, balancer and client jar as its own process (so that
 * each one's CPU is its own, and what is measured is exactly what ships), measures the CPU of
 * each process and of the whole machine over each client's measured window, and stops everything
 * it started, on success, failure and Ctrl-C alike. It writes the runs' files and
 * {@code suite.json}; the report is written from those afterwards.
 *
 * <p>Order. First each model's capacity, once. Then the matrix, {@code repeats} times over,
 * <b>interleaved</b>: every cell once, then every cell again, so that a disturbance or a drift
 * of the machine spreads over all cells instead of landing on one. Each round starts its servers
 * afresh. Within a round, phase by phase, each skipped when its list is empty:
 * <ol>
 *   <li>{@code models}: each model with its natural worker count (a bounded platform pool; many
 *       permits for virtual threads and async), closed loop at each concurrency;
 *   <li>{@code overload}: each model with few workers, so that its lane is the bottleneck, open
 *       loops at fractions of its capacity with a client deadline, per discipline;
 *   <li>{@code balancer}: N instances of one model behind the balancer, closed loop.
 * </ol>
 * A server that dies is reported in the run's note and the suite goes on with the next model.
 *
 * <p>Disturbance. For every run the machine's CPU over exactly the measured window is split into
 * the suite's own processes' and the rest (foreign); see {@link MachineShare}. With
 * {@code waitQuietSeconds}, each run first waits (up to that long) for the machine to be quiet.
 *
 * <p>Threading: one thread runs the suite; {@link CpuSampler} samples on its own.
 */
public final class SuiteRunner {
    private static final Duration STARTUP = Duration.ofSeconds(60);
    /** The closed loops' per-request timeout: far above any answer of a healthy run. */
    private static final int CLOSED_LOOP_TIMEOUT_MILLIS = 10_000;
    /** Clients of the unmeasured warm-up load on every server the suite starts. */
    private static final int WARMUP_CONCURRENCY = 32;
    /** A client process gets its run's length, its warm-up and timeout, plus this, before it is stopped. */
    private static final long CLIENT_GRACE_SECONDS = 120;
    /** The window over which the machine is judged quiet, before the suite and before a run. */
    private static final long QUIET_WINDOW_MILLIS = 1_000;

    private final SuitePlan plan;
    private final PrintStream out;
    private final boolean terminal;
    private final Path logs;
    private final List<RunRecord> records = new ArrayList<>();
    private final Map<String, Double> capacities = new LinkedHashMap<>();
    private final List<ManagedProcess> running = new ArrayList<>();
    private final String java = ProcessHandle.current().info().command().orElse("java");
    private CpuSampler sampler;
    private Progress progress;

    /** A runner that shows a live line when {@code out} is this process's terminal. */
    public SuiteRunner(SuitePlan plan, PrintStream out) {
        this(plan, out, out == System.out && Progress.stdoutIsTerminal());
    }

    SuiteRunner(SuitePlan plan, PrintStream out, boolean terminal) {
        this.plan = plan;
        this.out = out;
        this.terminal = terminal;
        this.logs = plan.outputDirectory().resolve("logs");
    }

    /** Runs the whole plan and writes every run's files and suite.json. */
    public void run() throws IOException, InterruptedException {
        Files.createDirectories(plan.outputDirectory().resolve("runs"));
        Files.createDirectories(logs);
        SuiteEnvironment environment = SuiteEnvironment.capture(plan.home());
        out.printf("loadlab suite: writing %s%n", plan.outputDirectory());
        MachineShare atStart;
        try (CpuSampler cpu = new CpuSampler()) {
            this.sampler = cpu;
            this.progress = new Progress(out, terminal, plannedRuns(), plannedSetups(),
                    plan.warmupSeconds() + plan.durationSeconds(), plan.serverWarmupSeconds());
            atStart = machineAtStart();
            capacityPhase();
            for (int round = 1; round <= plan.repeats(); round++) {
                modelsPhase(round);
                overloadPhase(round);
                balancerPhase(round);
            }
            progress.finish();
        }
        SuiteResults.writeSuite(plan.outputDirectory(), new SuiteResults.SuiteFile(SuiteResults.SUITE_VERSION,
                Instant.now().toString(), environment, plan, atStart, capacities, records));
    }

    private int plannedRuns() {
        int models = plan.models().size();
        int perRound = models * plan.modelDisciplines().size() * plan.concurrencies().size()
                + models * plan.disciplines().size() * plan.loadFractions().size()
                + (plan.instances() > 0 ? 1 : 0);
        return perRound * plan.repeats() + (plan.loadFractions().isEmpty() ? 0 : models);
    }

    private int plannedSetups() {
        int models = plan.models().size();
        int perRound = (plan.concurrencies().isEmpty() ? 0 : models) + (plan.loadFractions().isEmpty() ? 0 : models)
                + (plan.instances() > 0 ? 1 : 0);
        return perRound * plan.repeats() + (plan.loadFractions().isEmpty() ? 0 : models);
    }

    /** One second of the machine before anything starts; says so when it is already busy. */
    private MachineShare machineAtStart() throws InterruptedException {
        long from = System.currentTimeMillis();
        Thread.sleep(QUIET_WINDOW_MILLIS);
        MachineShare share = machineShare(from, System.currentTimeMillis(), List.of()).orElse(null);
        if (share != null && share.disturbed()) {
            progress.note(String.format(Locale.ROOT, "  ⚠ the machine is busy before the suite starts: %s;"
                    + " runs it disturbs are marked and repeated runs left out of medians", share.disturbance()));
        }
        return share;
    }

    private void modelsPhase(int round) throws IOException, InterruptedException {
        if (plan.concurrencies().isEmpty()) {
            return;
        }
        for (String model : plan.models()) {
            int workers = plan.naturalWorkers(model);
            int runs = plan.modelDisciplines().size() * plan.concurrencies().size();
            Optional<ManagedProcess> started = startWarmServer(model + "-models", model, workers, "models", runs);
            if (started.isEmpty()) {
                continue;
            }
            ManagedProcess server = started.get();
            try {
                int left = runs;
                runs:
                for (String discipline : plan.modelDisciplines()) {
                    for (int concurrency : plan.concurrencies()) {
                        RunRecord record = RunRecord.builder("models-" + model + "-" + discipline + "-c" + concurrency,
                                        "models").repeat(round)
                                .server(model, discipline, workers).closedLoop(concurrency)
                                .timeoutMillis(CLOSED_LOOP_TIMEOUT_MILLIS).build();
                        left--;
                        if (!measure(record, server, List.of(), closedLoop(server.port(), discipline, concurrency))) {
                            progress.runsSkipped(left);
                            break runs;
                        }
                    }
                }
            } finally {
                stop(server);
            }
        }
    }

    /** Each model's capacity with the overload phase's few workers, measured once before the rounds. */
    private void capacityPhase() throws IOException, InterruptedException {
        if (plan.loadFractions().isEmpty()) {
            return;
        }
        for (String model : plan.models()) {
            int workers = plan.overloadWorkers();
            Optional<ManagedProcess> started = startWarmServer(model + "-capacity", model, workers, "capacity", 1);
            if (started.isEmpty()) {
                continue;
            }
            ManagedProcess server = started.get();
            try {
                // Four clients per worker keep every worker busy, whatever the service time.
                int concurrency = Math.max(WARMUP_CONCURRENCY, workers * 4);
                RunRecord capacityRun = RunRecord.builder("capacity-" + model, "capacity")
                        .server(model, "fifo", workers).closedLoop(concurrency)
                        .timeoutMillis(CLOSED_LOOP_TIMEOUT_MILLIS).build();
                Optional<ResultDocument> measured = measured(capacityRun, server, List.of(),
                        closedLoop(server.port(), "fifo", concurrency));
                double capacity = measured.map(ResultDocument::successfulThroughputRps).orElse(0.0);
                if (capacity <= 0) {
                    progress.note("  overload " + model + " skipped: its capacity run answered nothing");
                    continue;
                }
                capacities.put(model, capacity);
                progress.note(String.format(Locale.ROOT, "  %s capacity with %d workers: %.0f requests/s", model,
                        workers, capacity));
            } finally {
                stop(server);
            }
        }
    }

    private void overloadPhase(int round) throws IOException, InterruptedException {
        if (plan.loadFractions().isEmpty()) {
            return;
        }
        for (String model : plan.models()) {
            int workers = plan.overloadWorkers();
            int runs = plan.disciplines().size() * plan.loadFractions().size();
            Double capacity = capacities.get(model);
            if (capacity == null) {
                progress.setupSkipped();
                progress.runsSkipped(runs);
                continue;
            }
            Optional<ManagedProcess> started = startWarmServer(model + "-overload", model, workers, "overload", runs);
            if (started.isEmpty()) {
                continue;
            }
            ManagedProcess server = started.get();
            try {
                runOverload(model, server, workers, capacity, round);
            } finally {
                stop(server);
            }
        }
    }

    private void runOverload(String model, ManagedProcess server, int workers, double capacity, int round)
            throws IOException, InterruptedException {
        int left = plan.disciplines().size() * plan.loadFractions().size();
        for (String discipline : plan.disciplines()) {
            for (double fraction : plan.loadFractions()) {
                double rate = Math.max(1, Math.round(capacity * fraction));
                int connections = openLoopConnections(rate);
                RunRecord record = RunRecord.builder("overload-" + model + "-" + discipline + "-"
                                + Math.round(fraction * 100) + "pct", "overload").repeat(round)
                        .server(model, discipline, workers).openLoop(rate, connections, fraction)
                        .timeoutMillis(plan.deadlineMillis()).build();
                List<String> load = List.of("--url", url(server.port(), discipline),
                        "--rate", String.valueOf(rate), "--connections", String.valueOf(connections),
                        "--timeout", plan.deadlineMillis() + "ms");
                left--;
                if (!measure(record, server, List.of(), load)) {
                    progress.runsSkipped(left);
                    return;
                }
            }
        }
    }

    /**
     * Enough open-loop connections that the client's own queue never holds what the server
     * should: every request of one deadline's worth at this rate, half as many again, and a few.
     */
    private int openLoopConnections(double rateHz) {
        return (int) Math.min(10_000, Math.ceil(rateHz * plan.deadlineMillis() / 1000.0 * 1.5) + 16);
    }

    private void balancerPhase(int round) throws IOException, InterruptedException {
        if (plan.instances() <= 0) {
            return;
        }
        String model = plan.balancerModel();
        int workers = plan.naturalWorkers(model);
        List<ManagedProcess> backends = new ArrayList<>();
        long setupStart = System.nanoTime();
        try {
            for (int i = 1; i <= plan.instances(); i++) {
                backends.add(startServer(model + "-" + i, model, workers));
            }
            int port = freePort();
            List<String> command = javaCommand(plan.serverJvmOptions(), plan.jar("balancer"));
            command.addAll(List.of("--port", String.valueOf(port), "--strategy", plan.strategy(),
                    "--instance", "balancer", "--backends", String.join(",",
                            backends.stream().map(b -> "http://127.0.0.1:" + b.port()).toList())));
            ManagedProcess balancer = started("balancer", command, port);
            try {
                warmUp(port, "balancer");
                progress.setupDone((System.nanoTime() - setupStart) / 1e9);
                RunRecord record = RunRecord.builder("balancer-" + model + "-x" + plan.instances() + "-"
                                + plan.strategy(), "balancer").repeat(round)
                        .server(model, "fifo", workers).closedLoop(plan.balancerConcurrency())
                        .timeoutMillis(CLOSED_LOOP_TIMEOUT_MILLIS).balancer(plan.instances(), plan.strategy()).build();
                measure(record, balancer, backends, closedLoop(port, "fifo", plan.balancerConcurrency()));
            } finally {
                stop(balancer);
            }
        } catch (ServerDidNotStart e) {
            noteSkipped("balancer", model, e.getMessage(), 1);
        } finally {
            backends.forEach(this::stop);
        }
    }

    /** Starts a model's server and warms it up; on failure notes the phase skipped for that model. */
    private Optional<ManagedProcess> startWarmServer(String name, String model, int workers, String phase, int runs)
            throws IOException, InterruptedException {
        long setupStart = System.nanoTime();
        ManagedProcess server;
        try {
            server = startServer(name, model, workers);
        } catch (ServerDidNotStart e) {
            noteSkipped(phase, model, e.getMessage(), runs);
            return Optional.empty();
        }
        warmUp(server.port(), server.name());
        progress.setupDone((System.nanoTime() - setupStart) / 1e9);
        return Optional.of(server);
    }

    /**
     * An unmeasured closed-loop load on a server (or the balancer) it has just started, so that
     * the JIT has compiled its hot paths before any figure is taken.
     */
    private void warmUp(int port, String name) throws IOException, InterruptedException {
        if (plan.serverWarmupSeconds() == 0) {
            return;
        }
        List<String> command = clientCommand();
        command.addAll(closedLoop(port, "fifo", WARMUP_CONCURRENCY));
        command.addAll(List.of("--io-ms", String.valueOf(plan.ioMillis()), "--cpu-ms", String.valueOf(plan.cpuMillis()),
                "--duration", plan.serverWarmupSeconds() + "s", "--quiet"));
        try (ManagedProcess client = ManagedProcess.start("warm-up " + name, command, -1,
                logs.resolve("warmup-" + name + ".log"))) {
            client.awaitExit(Duration.ofSeconds(plan.serverWarmupSeconds() + CLIENT_GRACE_SECONDS));
        }
    }

    /** The client as it ships: {@code client.jar}, started like every other jar. */
    private List<String> clientCommand() {
        List<String> command = javaCommand(plan.clientJvmOptions(), plan.jar("client"));
        command.add("run");
        return command;
    }

    private List<String> closedLoop(int port, String discipline, int concurrency) {
        return List.of("--url", url(port, discipline), "--concurrency", String.valueOf(concurrency),
                "--timeout", CLOSED_LOOP_TIMEOUT_MILLIS + "ms");
    }

    private static String url(int port, String discipline) {
        return "http://127.0.0.1:" + port + Catalog.path(discipline);
    }

    /** {@link #measured}, and whether the target is still alive to go on. */
    private boolean measure(RunRecord record, ManagedProcess target, List<ManagedProcess> backends, List<String> load)
            throws IOException, InterruptedException {
        measured(record, target, backends, load);
        return alive(target, backends);
    }

    /**
     * Runs the client for one record against {@code target} (a server, or the balancer with its
     * backends), records the outcome, and returns the client's result if it wrote one.
     */
    private Optional<ResultDocument> measured(RunRecord record, ManagedProcess target, List<ManagedProcess> backends,
            List<String> load) throws IOException, InterruptedException {
        awaitQuiet();
        progress.runStarted(record.cell(), plan.repeats() > 1 ? record.repeat() : 0);
        Path resultDir = plan.outputDirectory().resolve(record.resultDir());
        List<String> command = clientCommand();
        command.addAll(load);
        command.addAll(List.of("--io-ms", String.valueOf(plan.ioMillis()), "--cpu-ms", String.valueOf(plan.cpuMillis()),
                "--duration", plan.durationSeconds() + "s", "--warmup", plan.warmupSeconds() + "s",
                "--output", resultDir.toString(), "--label", record.id(), "--quiet"));
        Path log = logs.resolve("client-" + record.id() + ".log");
        long boundSeconds = plan.durationSeconds() + plan.warmupSeconds() + record.timeoutMillis() / 1000
                + CLIENT_GRACE_SECONDS;
        Integer exitCode;
        String note = null;
        ManagedProcess client = ManagedProcess.start("client " + record.id(), command, -1, log);
        sampler.watch(client);
        try {
            exitCode = client.awaitExit(Duration.ofSeconds(boundSeconds)).orElse(null);
            if (exitCode == null) {
                note = "the client did not finish within " + boundSeconds + " s and was stopped";
            }
        } finally {
            client.close();
        }
        Double serverCpu = null;
        Double balancerCpu = null;
        MachineShare machine = null;
        Optional<ResultDocument> result = SuiteResults.readResult(resultDir);
        if (result.isPresent()) {
            long from = Instant.parse(result.get().startTime()).toEpochMilli();
            long to = from + Math.round(result.get().totalTimeMs());
            if (backends.isEmpty()) {
                serverCpu = seconds(sampler.cpuBetween(target, from, to));
            } else {
                balancerCpu = seconds(sampler.cpuBetween(target, from, to));
                serverCpu = backends.stream().mapToDouble(b -> seconds(sampler.cpuBetween(b, from, to))).sum();
            }
            List<ManagedProcess> own = new ArrayList<>(backends);
            own.add(target);
            own.add(client);
            machine = machineShare(from, to, own).orElse(null);
        } else if (note == null) {
            note = "the client wrote no result (exit code " + exitCode + "); see logs/" + log.getFileName();
        }
        sampler.forget(client);
        if (!alive(target, backends)) {
            note = (note == null ? "" : note + "; ") + "a server died during the run (exit code "
                    + target.exitCode().map(String::valueOf).orElse("?") + "); see logs/";
        }
        RunRecord done = record.withOutcome(serverCpu, balancerCpu, exitCode, machine, note);
        records.add(done);
        progress.runFinished(verdict(result, done));
        return result;
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
        if (result.get().clientSaturated()) {
            verdict.append("  ⚠ client limit");
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
    private Optional<MachineShare> machineShare(long fromEpochMillis, long toEpochMillis, List<ManagedProcess> own) {
        double windowSeconds = (toEpochMillis - fromEpochMillis) / 1000.0;
        if (windowSeconds <= 0) {
            return Optional.empty();
        }
        return sampler.machineBetween(fromEpochMillis, toEpochMillis).map(ticks -> {
            double ownSeconds = seconds(sampler.selfCpuBetween(fromEpochMillis, toEpochMillis))
                    + own.stream().mapToDouble(p -> seconds(sampler.cpuBetween(p, fromEpochMillis, toEpochMillis)))
                    .sum();
            return MachineShare.of(windowSeconds, ticks.busy() / (double) MachineTicks.PER_SECOND, ownSeconds,
                    ticks.total() == 0 ? 0 : ticks.steal() / (double) ticks.total());
        });
    }

    /**
     * With {@code waitQuietSeconds}, waits until a second passes in which the machine, apart from
     * the suite's processes (its idle servers), is quiet, or until that many seconds have passed.
     */
    private void awaitQuiet() throws InterruptedException {
        if (plan.waitQuietSeconds() == 0) {
            return;
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(plan.waitQuietSeconds()).toNanos();
        boolean waited = false;
        while (true) {
            long from = System.currentTimeMillis();
            Thread.sleep(QUIET_WINDOW_MILLIS);
            Optional<MachineShare> share = machineShare(from, System.currentTimeMillis(), List.copyOf(running));
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

    private static boolean alive(ManagedProcess target, List<ManagedProcess> backends) {
        return target.alive() && backends.stream().allMatch(ManagedProcess::alive);
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    private void noteSkipped(String phase, String model, String why, int runs) {
        progress.note("  " + phase + " " + model + " skipped: " + why);
        progress.setupSkipped();
        progress.runsSkipped(runs);
        records.add(RunRecord.skipped(phase, model, why));
    }

    private ManagedProcess startServer(String name, String model, int workers)
            throws IOException, InterruptedException, ServerDidNotStart {
        int port = freePort();
        List<String> command = javaCommand(plan.serverJvmOptions(), plan.jar(Catalog.module(model)));
        command.addAll(List.of("--port", String.valueOf(port), "--instance", name, "--workers", String.valueOf(workers)));
        return started(name, command, port);
    }

    /** Starts a process and waits for its /health; it is watched by the CPU sampler until stopped. */
    private ManagedProcess started(String name, List<String> command, int port)
            throws IOException, InterruptedException, ServerDidNotStart {
        ManagedProcess process = ManagedProcess.start(name, command, port, logs.resolve(name + ".log"));
        if (!process.awaitHealthy(STARTUP)) {
            String why = process.alive() ? "not healthy within " + STARTUP.toSeconds() + " s"
                    : "exited with code " + process.exitCode().orElse(-1);
            process.close();
            throw new ServerDidNotStart(name + " " + why + "; see logs/" + name + ".log");
        }
        sampler.watch(process);
        running.add(process);
        return process;
    }

    /** Stops a process it started and stops sampling it. */
    private void stop(ManagedProcess process) {
        sampler.forget(process);
        running.remove(process);
        process.close();
    }

    private List<String> javaCommand(List<String> jvmOptions, Path jar) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        return command;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A server or balancer that did not come up: its phase is skipped for that model. */
    private static final class ServerDidNotStart extends Exception {
        ServerDidNotStart(String message) {
            super(message, null, false, false);
        }
    }
}
