package dev.loadlab.suite.run;

import dev.loadlab.client.output.ResultDocument;
import dev.loadlab.suite.plan.Catalog;
import dev.loadlab.suite.plan.SuitePlan;
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
 * each one's CPU is its own, and what is measured is exactly what ships), measures the servers'
 * CPU over each client's measured window, and stops everything it started, on success, failure
 * and Ctrl-C alike. It writes the runs' files and {@code suite.json}; the report is written from
 * those afterwards.
 *
 * <p>Phases, each skipped when its list is empty:
 * <ol>
 *   <li>{@code models}: each model with its natural worker count (a bounded platform pool; many
 *       permits for virtual threads and async), closed loop at each concurrency, each discipline;
 *   <li>{@code capacity} and {@code overload}: each model with few workers, so that its lane is the
 *       bottleneck; its capacity measured by a closed loop well above the worker count, then open
 *       loops at fractions of that capacity with a client deadline, per discipline;
 *   <li>{@code balancer}: N instances of one model behind the balancer, closed loop.
 * </ol>
 * A server that dies is reported in the run's note and the suite goes on with the next model.
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

    private final SuitePlan plan;
    private final PrintStream out;
    private final Path logs;
    private final List<RunRecord> records = new ArrayList<>();
    private final Map<String, Double> capacities = new LinkedHashMap<>();
    private final String java = ProcessHandle.current().info().command().orElse("java");
    private CpuSampler sampler;

    public SuiteRunner(SuitePlan plan, PrintStream out) {
        this.plan = plan;
        this.out = out;
        this.logs = plan.outputDirectory().resolve("logs");
    }

    /** Runs the whole plan and writes every run's files and suite.json. */
    public void run() throws IOException, InterruptedException {
        Files.createDirectories(plan.outputDirectory().resolve("runs"));
        Files.createDirectories(logs);
        SuiteEnvironment environment = SuiteEnvironment.capture(plan.home());
        out.printf("loadlab suite: writing %s%n", plan.outputDirectory());
        try (CpuSampler cpu = new CpuSampler()) {
            this.sampler = cpu;
            modelsPhase();
            overloadPhase();
            balancerPhase();
        }
        SuiteResults.writeSuite(plan.outputDirectory(), new SuiteResults.SuiteFile(SuiteResults.SUITE_VERSION,
                Instant.now().toString(), environment, plan, capacities, records));
    }

    private void modelsPhase() throws IOException, InterruptedException {
        if (plan.concurrencies().isEmpty()) {
            return;
        }
        for (String model : plan.models()) {
            int workers = plan.naturalWorkers(model);
            ManagedProcess server;
            try {
                server = startServer(model + "-models", model, workers);
            } catch (ServerDidNotStart e) {
                noteSkipped("models", model, e.getMessage());
                continue;
            }
            try {
                warmUp(server.port(), server.name());
                runs:
                for (String discipline : plan.disciplines()) {
                    for (int concurrency : plan.concurrencies()) {
                        RunRecord record = RunRecord.builder("models-" + model + "-" + discipline + "-c" + concurrency,
                                        "models")
                                .server(model, discipline, workers).closedLoop(concurrency)
                                .timeoutMillis(CLOSED_LOOP_TIMEOUT_MILLIS).build();
                        if (!measure(record, server, List.of(), closedLoop(server.port(), discipline, concurrency))) {
                            break runs;
                        }
                    }
                }
            } finally {
                stop(server);
            }
        }
    }

    private void overloadPhase() throws IOException, InterruptedException {
        if (plan.loadFractions().isEmpty()) {
            return;
        }
        for (String model : plan.models()) {
            int workers = plan.overloadWorkers();
            ManagedProcess server;
            try {
                server = startServer(model + "-overload", model, workers);
            } catch (ServerDidNotStart e) {
                noteSkipped("overload", model, e.getMessage());
                continue;
            }
            try {
                warmUp(server.port(), server.name());
                // Four clients per worker keep every worker busy, whatever the service time.
                int concurrency = Math.max(WARMUP_CONCURRENCY, workers * 4);
                RunRecord capacityRun = RunRecord.builder("capacity-" + model, "capacity")
                        .server(model, "fifo", workers).closedLoop(concurrency)
                        .timeoutMillis(CLOSED_LOOP_TIMEOUT_MILLIS).build();
                Optional<ResultDocument> measured = measured(capacityRun, server, List.of(),
                        closedLoop(server.port(), "fifo", concurrency));
                if (measured.isEmpty()) {
                    continue;
                }
                double capacity = measured.get().successfulThroughputRps();
                if (capacity <= 0) {
                    noteSkipped("overload", model, "its capacity run answered nothing");
                    continue;
                }
                capacities.put(model, capacity);
                out.printf("  %s capacity with %d workers: %.0f requests/s%n", model, workers, capacity);
                runOverload(model, server, workers, capacity);
            } finally {
                stop(server);
            }
        }
    }

    private void runOverload(String model, ManagedProcess server, int workers, double capacity)
            throws IOException, InterruptedException {
        for (String discipline : plan.disciplines()) {
            for (double fraction : plan.loadFractions()) {
                double rate = Math.max(1, Math.round(capacity * fraction));
                int connections = openLoopConnections(rate);
                RunRecord record = RunRecord.builder("overload-" + model + "-" + discipline + "-"
                                + Math.round(fraction * 100) + "pct", "overload")
                        .server(model, discipline, workers).openLoop(rate, connections, fraction)
                        .timeoutMillis(plan.deadlineMillis()).build();
                List<String> load = List.of("--url", url(server.port(), discipline),
                        "--rate", String.valueOf(rate), "--connections", String.valueOf(connections),
                        "--timeout", plan.deadlineMillis() + "ms");
                if (!measure(record, server, List.of(), load)) {
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

    private void balancerPhase() throws IOException, InterruptedException {
        if (plan.instances() <= 0) {
            return;
        }
        String model = plan.balancerModel();
        int workers = plan.naturalWorkers(model);
        List<ManagedProcess> backends = new ArrayList<>();
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
                RunRecord record = RunRecord.builder("balancer-" + model + "-x" + plan.instances() + "-"
                                + plan.strategy(), "balancer")
                        .server(model, "fifo", workers).closedLoop(plan.balancerConcurrency())
                        .timeoutMillis(CLOSED_LOOP_TIMEOUT_MILLIS).balancer(plan.instances(), plan.strategy()).build();
                measure(record, balancer, backends, closedLoop(port, "fifo", plan.balancerConcurrency()));
            } finally {
                stop(balancer);
            }
        } catch (ServerDidNotStart e) {
            noteSkipped("balancer", model, e.getMessage());
        } finally {
            backends.forEach(this::stop);
        }
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
        out.printf("  %-48s ", record.id());
        out.flush();
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
        try (ManagedProcess client = ManagedProcess.start("client " + record.id(), command, -1, log)) {
            exitCode = client.awaitExit(Duration.ofSeconds(boundSeconds)).orElse(null);
            if (exitCode == null) {
                note = "the client did not finish within " + boundSeconds + " s and was stopped";
            }
        }
        Double serverCpu = null;
        Double balancerCpu = null;
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
        } else if (note == null) {
            note = "the client wrote no result (exit code " + exitCode + "); see logs/" + log.getFileName();
        }
        if (!alive(target, backends)) {
            note = (note == null ? "" : note + "; ") + "a server died during the run (exit code "
                    + target.exitCode().map(String::valueOf).orElse("?") + "); see logs/";
        }
        records.add(record.withOutcome(serverCpu, balancerCpu, exitCode, note));
        String finalNote = note;
        out.println(result.map(r -> String.format(Locale.ROOT, "%10.0f req/s  p99 %9.2f ms%s",
                        r.successfulThroughputRps(), r.histograms().get("latency").p99Ms(),
                        finalNote == null ? "" : "  (" + finalNote + ")"))
                .orElse("FAILED: " + note));
        return result;
    }

    private static boolean alive(ManagedProcess target, List<ManagedProcess> backends) {
        return target.alive() && backends.stream().allMatch(ManagedProcess::alive);
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    private void noteSkipped(String phase, String model, String why) {
        out.printf("  %s %s skipped: %s%n", phase, model, why);
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
        return process;
    }

    /** Stops a process it started and stops sampling it. */
    private void stop(ManagedProcess process) {
        sampler.forget(process);
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
