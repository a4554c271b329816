package dev.loadlab.client.suite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadlab.client.report.SuiteResults;
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

/**
 * Runs the comparison: starts every server and balancer itself, drives each with the client (a
 * separate process, so that its CPU is its own), measures server CPU over each client's measured
 * window, and stops everything it started, on success, failure and Ctrl-C alike.
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
    private static final ObjectMapper JSON = SuiteResults.mapper();

    private final SuitePlan plan;
    private final PrintStream out;
    private final Path runs;
    private final Path logs;
    private final List<RunRecord> records = new ArrayList<>();
    private final Map<String, Double> capacities = new LinkedHashMap<>();
    private final String java = ProcessHandle.current().info().command().orElse("java");
    private CpuSampler sampler;

    public SuiteRunner(SuitePlan plan, PrintStream out) {
        this.plan = plan;
        this.out = out;
        this.runs = plan.outputDirectory().resolve("runs");
        this.logs = plan.outputDirectory().resolve("logs");
    }

    /** Runs the whole plan and writes suite.json, results.csv, report.md and report.html. */
    public void run() throws IOException, InterruptedException {
        Files.createDirectories(runs);
        Files.createDirectories(logs);
        Environment environment = Environment.capture(plan.home());
        out.printf("loadlab suite: writing %s%n", plan.outputDirectory());
        try (CpuSampler cpu = new CpuSampler()) {
            this.sampler = cpu;
            modelsPhase();
            overloadPhase();
            balancerPhase();
        }
        SuiteResults.writeSuite(plan.outputDirectory(), environment, plan, capacities, records, Instant.now());
        SuiteResults results = SuiteResults.load(plan.outputDirectory());
        results.writeCsv();
        dev.loadlab.client.report.ReportWriter.write(results);
        out.println();
        out.print(dev.loadlab.client.report.ReportWriter.summary(results));
        out.printf("%nreport: %s%n        %s%n", plan.outputDirectory().resolve("report.md"),
                plan.outputDirectory().resolve("report.html"));
    }

    private int workers(String model) {
        return model.equals("threads") ? plan.poolWorkers() : plan.permitWorkers();
    }

    private void modelsPhase() throws IOException, InterruptedException {
        if (plan.concurrencies().isEmpty()) {
            return;
        }
        for (String model : plan.models()) {
            int workers = workers(model);
            try (ManagedProcess server = startServer(model + "-models", model, workers)) {
                warmUp(server.port(), server.name());
                for (String discipline : plan.disciplines()) {
                    for (int concurrency : plan.concurrencies()) {
                        String id = "models-" + model + "-" + discipline + "-c" + concurrency;
                        RunRecord record = new RunRecord(id, "models", model, discipline, workers, "closed",
                                concurrency, null, null, null, 10_000, null, null, null, null, null, "runs/" + id, null);
                        if (!measure(record, server, null, closedLoop(server.port(), discipline, concurrency, 10_000))) {
                            break;
                        }
                    }
                }
            } catch (ServerDidNotStart e) {
                noteSkipped("models", model, e.getMessage());
            }
        }
    }

    private void overloadPhase() throws IOException, InterruptedException {
        if (plan.loadFractions().isEmpty()) {
            return;
        }
        for (String model : plan.models()) {
            int workers = plan.overloadWorkers();
            try (ManagedProcess server = startServer(model + "-overload", model, workers)) {
                warmUp(server.port(), server.name());
                int concurrency = Math.max(32, workers * 4);
                String capacityId = "capacity-" + model;
                RunRecord capacityRun = new RunRecord(capacityId, "capacity", model, "fifo", workers, "closed",
                        concurrency, null, null, null, 10_000, null, null, null, null, null, "runs/" + capacityId, null);
                if (!measure(capacityRun, server, null, closedLoop(server.port(), "fifo", concurrency, 10_000))) {
                    continue;
                }
                double capacity = successfulThroughput(capacityId);
                if (capacity <= 0) {
                    noteSkipped("overload", model, "its capacity run answered nothing");
                    continue;
                }
                capacities.put(model, capacity);
                out.printf("  %s capacity with %d workers: %.0f requests/s%n", model, workers, capacity);
                runOverload(model, server, workers, capacity);
            } catch (ServerDidNotStart e) {
                noteSkipped("overload", model, e.getMessage());
            }
        }
    }

    private void runOverload(String model, ManagedProcess server, int workers, double capacity)
            throws IOException, InterruptedException {
        for (String discipline : plan.disciplines()) {
            for (double fraction : plan.loadFractions()) {
                double rate = Math.max(1, Math.round(capacity * fraction));
                // Enough connections that the client's own queue never holds what the server should:
                // all requests within the deadline at this rate, and a margin.
                int connections = (int) Math.min(10_000, Math.ceil(rate * plan.deadlineMillis() / 1000.0 * 1.5) + 16);
                String id = "overload-" + model + "-" + discipline + "-" + Math.round(fraction * 100) + "pct";
                RunRecord record = new RunRecord(id, "overload", model, discipline, workers, "open", null, rate,
                        fraction, connections, plan.deadlineMillis(), null, null, null, null, null, "runs/" + id, null);
                List<String> args = new ArrayList<>(List.of("--url", url(server.port(), discipline),
                        "--rate", String.valueOf(rate), "--connections", String.valueOf(connections),
                        "--timeout", plan.deadlineMillis() + "ms"));
                if (!measure(record, server, null, args)) {
                    return;
                }
            }
        }
    }

    private void balancerPhase() throws IOException, InterruptedException {
        if (plan.instances() <= 0) {
            return;
        }
        String model = plan.balancerModel();
        int workers = workers(model);
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
            try (ManagedProcess balancer = started("balancer", command, port)) {
                warmUp(port, "balancer");
                String id = "balancer-" + model + "-x" + plan.instances() + "-" + plan.strategy();
                RunRecord record = new RunRecord(id, "balancer", model, "fifo", workers, "closed",
                        plan.balancerConcurrency(), null, null, null, 10_000, plan.instances(), plan.strategy(),
                        null, null, null, "runs/" + id, null);
                measure(record, balancer, backends, closedLoop(port, "fifo", plan.balancerConcurrency(), 10_000));
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
        command.addAll(closedLoop(port, "fifo", 32, 10_000));
        command.addAll(List.of("--io-ms", String.valueOf(plan.ioMillis()), "--cpu-ms", String.valueOf(plan.cpuMillis()),
                "--duration", plan.serverWarmupSeconds() + "s", "--quiet"));
        try (ManagedProcess client = ManagedProcess.start("warm-up " + name, command, -1,
                logs.resolve("warmup-" + name + ".log"))) {
            client.awaitExit(Duration.ofSeconds(plan.serverWarmupSeconds() + 120L));
        }
    }

    /** The client, run from the suite's own class path: client.jar, or the build's classes in tests. */
    private List<String> clientCommand() {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(plan.clientJvmOptions());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.loadlab.client.ClientMain", "run"));
        return command;
    }

    private List<String> closedLoop(int port, String discipline, int concurrency, int timeoutMillis) {
        return new ArrayList<>(List.of("--url", url(port, discipline), "--concurrency", String.valueOf(concurrency),
                "--timeout", timeoutMillis + "ms"));
    }

    private static String url(int port, String discipline) {
        return "http://127.0.0.1:" + port + SuitePlan.path(discipline);
    }

    /**
     * Runs the client for one record against {@code target} (a server, or the balancer with its
     * backends), records the outcome, and returns whether the target is still alive to go on.
     */
    private boolean measure(RunRecord record, ManagedProcess target, List<ManagedProcess> backends, List<String> load)
            throws IOException, InterruptedException {
        out.printf("  %-48s ", record.id());
        out.flush();
        Path resultDir = plan.outputDirectory().resolve(record.resultDir());
        List<String> command = clientCommand();
        command.addAll(load);
        command.addAll(List.of("--io-ms", String.valueOf(plan.ioMillis()), "--cpu-ms", String.valueOf(plan.cpuMillis()),
                "--duration", plan.durationSeconds() + "s", "--warmup", plan.warmupSeconds() + "s",
                "--output", resultDir.toString(), "--label", record.id(), "--quiet"));
        Path log = logs.resolve("client-" + record.id() + ".log");
        long boundSeconds = plan.durationSeconds() + plan.warmupSeconds() + record.timeoutMillis() / 1000 + 120;
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
        JsonNode result = readResult(resultDir);
        if (result != null) {
            long from = Instant.parse(result.path("start_time").asText()).toEpochMilli();
            long to = from + Math.round(result.path("total_time_ms").asDouble());
            if (backends == null) {
                serverCpu = seconds(sampler.cpuBetween(target, from, to));
            } else {
                balancerCpu = seconds(sampler.cpuBetween(target, from, to));
                serverCpu = backends.stream().mapToDouble(b -> seconds(sampler.cpuBetween(b, from, to))).sum();
            }
        } else if (note == null) {
            note = "the client wrote no result (exit code " + exitCode + "); see logs/" + log.getFileName();
        }
        boolean alive = target.alive() && (backends == null || backends.stream().allMatch(ManagedProcess::alive));
        if (!alive) {
            note = (note == null ? "" : note + "; ") + "a server died during the run (exit code "
                    + target.exitCode().map(String::valueOf).orElse("?") + "); see logs/";
        }
        RunRecord done = record.withOutcome(serverCpu, balancerCpu, exitCode, note);
        records.add(done);
        out.println(result == null ? "FAILED: " + note : String.format(Locale.ROOT, "%10.0f req/s  p99 %9.2f ms%s",
                result.path("successful_throughput_rps").asDouble(),
                result.path("histograms").path("latency").path("p99_ms").asDouble(),
                note == null ? "" : "  (" + note + ")"));
        return alive;
    }

    private double successfulThroughput(String id) throws IOException {
        JsonNode result = readResult(plan.outputDirectory().resolve("runs").resolve(id));
        return result == null ? 0 : result.path("successful_throughput_rps").asDouble();
    }

    private static JsonNode readResult(Path resultDir) throws IOException {
        Path file = resultDir.resolve("result.json");
        return Files.isRegularFile(file) ? JSON.readTree(file.toFile()) : null;
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    private void noteSkipped(String phase, String model, String why) {
        out.printf("  %s %s skipped: %s%n", phase, model, why);
        records.add(new RunRecord(phase + "-" + model + "-skipped", phase, model, null, 0, null, null, null, null,
                null, 0, null, null, null, null, null, null, why));
    }

    private ManagedProcess startServer(String name, String model, int workers)
            throws IOException, InterruptedException, ServerDidNotStart {
        int port = freePort();
        List<String> command = javaCommand(plan.serverJvmOptions(), plan.jar(SuitePlan.module(model)));
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
