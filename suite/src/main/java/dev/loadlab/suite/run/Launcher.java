package dev.loadlab.suite.run;

import dev.loadlab.suite.plan.Catalog;
import dev.loadlab.suite.plan.SuitePlan;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the suite's processes from the build's jars, each its own JVM: servers, balancers and
 * clients; waits for a server's {@code /health} (never a fixed sleep); registers each server with
 * the CPU sampler until it is stopped.
 *
 * <p>Threading: the suite's thread, and a fault's thread for {@link #restarted}; the list of
 * running servers is guarded by this.
 */
final class Launcher {
    private static final Duration STARTUP = Duration.ofSeconds(60);
    /** Clients of the unmeasured warm-up load on every server the suite starts. */
    static final int WARMUP_CONCURRENCY = 32;
    /** The closed loops' per-request timeout: far above any answer of a healthy run. */
    static final int CLOSED_LOOP_TIMEOUT_MILLIS = 10_000;
    /** A client process gets its run's length, its warm-up and timeout, plus this, before it is stopped. */
    static final long CLIENT_GRACE_SECONDS = 120;

    private final SuitePlan plan;
    private final Path logs;
    private final CpuSampler sampler;
    private final List<ManagedProcess> running = new ArrayList<>();
    private final String java = ProcessHandle.current().info().command().orElse("java");

    Launcher(SuitePlan plan, Path logs, CpuSampler sampler) {
        this.plan = plan;
        this.logs = logs;
        this.sampler = sampler;
    }

    /** A model's server named {@code name}, with {@code workers} per lane and any further options. */
    ManagedProcess startServer(String name, String model, int workers, List<String> options)
            throws IOException, InterruptedException, ServerDidNotStart {
        int port = freePort();
        List<String> command = javaCommand(plan.serverJvmOptions(), plan.jar(Catalog.module(model)));
        command.addAll(List.of("--port", String.valueOf(port), "--instance", name, "--workers", String.valueOf(workers)));
        command.addAll(options);
        return started(name, command, port);
    }

    /** The balancer in front of {@code backends}, with {@code strategy}. */
    ManagedProcess startBalancer(String name, String strategy, List<ManagedProcess> backends)
            throws IOException, InterruptedException, ServerDidNotStart {
        int port = freePort();
        List<String> command = javaCommand(plan.serverJvmOptions(), plan.jar("balancer"));
        command.addAll(List.of("--port", String.valueOf(port), "--strategy", strategy, "--instance", name,
                "--backends", String.join(",", backends.stream().map(b -> "http://127.0.0.1:" + b.port()).toList())));
        return started(name, command, port);
    }

    /** A process that ended (was killed), started again with the same command, and healthy. */
    ManagedProcess restarted(ManagedProcess ended) throws IOException, InterruptedException, ServerDidNotStart {
        forget(ended);
        return healthy(ended.restart());
    }

    private ManagedProcess started(String name, List<String> command, int port)
            throws IOException, InterruptedException, ServerDidNotStart {
        return healthy(ManagedProcess.start(name, command, port, logs.resolve(name + ".log")));
    }

    private ManagedProcess healthy(ManagedProcess process) throws InterruptedException, ServerDidNotStart {
        if (!process.awaitHealthy(STARTUP)) {
            String why = process.alive() ? "not healthy within " + STARTUP.toSeconds() + " s"
                    : "exited with code " + process.exitCode().orElse(-1);
            process.close();
            throw new ServerDidNotStart(process.name() + " " + why + "; see logs/" + process.name() + ".log");
        }
        sampler.watch(process);
        synchronized (this) {
            running.add(process);
        }
        return process;
    }

    /** Every server and balancer started and not yet stopped. */
    synchronized List<ManagedProcess> running() {
        return List.copyOf(running);
    }

    /** Stops a process it started and stops sampling it. */
    void stop(ManagedProcess process) {
        forget(process);
        process.close();
    }

    private void forget(ManagedProcess process) {
        sampler.forget(process);
        synchronized (this) {
            running.remove(process);
        }
    }

    /**
     * An unmeasured closed-loop load on a server (or the balancer) it has just started, so that
     * the JIT has compiled its hot paths before any figure is taken.
     */
    void warmUp(ManagedProcess server) throws IOException, InterruptedException {
        warmUp(server, WARMUP_CONCURRENCY);
    }

    /** {@link #warmUp(ManagedProcess)} with {@code concurrency} requests in flight. */
    void warmUp(ManagedProcess server, int concurrency) throws IOException, InterruptedException {
        if (plan.serverWarmupSeconds() == 0) {
            return;
        }
        List<String> command = clientCommand();
        command.addAll(closedLoop(server.port(), "fifo", concurrency));
        command.addAll(List.of("--io-ms", String.valueOf(plan.ioMillis()), "--cpu-ms", String.valueOf(plan.cpuMillis()),
                "--duration", plan.serverWarmupSeconds() + "s", "--quiet"));
        try (ManagedProcess client = ManagedProcess.start("warm-up " + server.name(), command, -1,
                logs.resolve("warmup-" + server.name() + ".log"))) {
            client.awaitExit(Duration.ofSeconds(plan.serverWarmupSeconds() + CLIENT_GRACE_SECONDS));
        }
    }

    /** A client run, its output to {@code log}: not yet watched by the sampler. */
    ManagedProcess startClient(String name, List<String> arguments, Path log) throws IOException {
        List<String> command = clientCommand();
        command.addAll(arguments);
        return ManagedProcess.start(name, command, -1, log);
    }

    /** The client's capacity search ({@code client.jar search}), started like its runs. */
    ManagedProcess startSearch(String name, List<String> arguments, Path log) throws IOException {
        List<String> command = javaCommand(plan.clientJvmOptions(), plan.jar("client"));
        command.add("search");
        command.addAll(arguments);
        return ManagedProcess.start(name, command, -1, log);
    }

    /** The client as it ships: {@code client.jar}, started like every other jar. */
    private List<String> clientCommand() {
        List<String> command = javaCommand(plan.clientJvmOptions(), plan.jar("client"));
        command.add("run");
        return command;
    }

    static List<String> closedLoop(int port, String discipline, int concurrency) {
        return List.of("--url", url(port, discipline), "--concurrency", String.valueOf(concurrency),
                "--timeout", CLOSED_LOOP_TIMEOUT_MILLIS + "ms");
    }

    static String url(int port, String discipline) {
        return "http://127.0.0.1:" + port + Catalog.path(discipline);
    }

    Path logs() {
        return logs;
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
}
