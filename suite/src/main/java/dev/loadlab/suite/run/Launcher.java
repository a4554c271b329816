package dev.loadlab.suite.run;

import dev.loadlab.suite.plan.Catalog;
import dev.loadlab.suite.plan.SuitePlan;
import dev.loadlab.suite.results.WarmUp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the suite's processes from the build's jars, each its own JVM: servers and balancers,
 * and one client process ({@link BatchClient}) that runs every client command in turn; waits for
 * a server's {@code /health} (never a fixed sleep); registers each server with the CPU sampler
 * until it is stopped.
 *
 * <p>Threading: the suite's thread, and a fault's thread for {@link #restarted}; the list of
 * running servers and of warm-ups run are guarded by this.
 */
final class Launcher implements AutoCloseable {
    private static final Duration STARTUP = Duration.ofSeconds(60);
    /** Clients of the unmeasured warm-up load on every server the suite starts. */
    static final int WARMUP_CONCURRENCY = 32;
    /** The longest simulated I/O a warm-up request asks for (see {@link #warmUp(ManagedProcess, int, int)}). */
    static final int WARMUP_IO_MILLIS = 1;
    /**
     * The requests the study's balancer keeps in flight to one backend ({@code --max-per-backend}),
     * the balancer's own default, passed so that its warm-up can be as deep.
     */
    static final int BALANCER_MAX_PER_BACKEND = 256;
    /** The closed loops' per-request timeout: far above any answer of a healthy run. */
    static final int CLOSED_LOOP_TIMEOUT_MILLIS = 10_000;
    /** A client process gets its run's length, its warm-up and timeout, plus this, before it is stopped. */
    static final long CLIENT_GRACE_SECONDS = 120;

    private final SuitePlan plan;
    private final Path logs;
    private final CpuSampler sampler;
    private final List<ManagedProcess> running = new ArrayList<>();
    private final List<WarmUp> warmUps = new ArrayList<>();
    private final String java = ProcessHandle.current().info().command().orElse("java");
    private final BatchClient client;

    Launcher(SuitePlan plan, Path logs, CpuSampler sampler) {
        this.plan = plan;
        this.logs = logs;
        this.sampler = sampler;
        List<String> batch = javaCommand(plan.clientJvmOptions(), plan.jar("client"));
        batch.add("batch");
        this.client = new BatchClient(batch, logs.resolve("client-batch.log"), sampler);
    }

    /** A model's server named {@code name}, with {@code workers} per lane and any further options. */
    ManagedProcess startServer(String name, String model, int workers, List<String> options)
            throws IOException, InterruptedException, ServerDidNotStart {
        int port = freePort();
        List<String> command = serverCommand(plan.jar(Catalog.module(model)));
        command.addAll(List.of("--port", String.valueOf(port), "--instance", name, "--workers", String.valueOf(workers)));
        command.addAll(options);
        return started(name, command, port);
    }

    /** The balancer in front of {@code backends}, with {@code strategy}. */
    ManagedProcess startBalancer(String name, String strategy, List<ManagedProcess> backends)
            throws IOException, InterruptedException, ServerDidNotStart {
        int port = freePort();
        List<String> command = serverCommand(plan.jar("balancer"));
        command.addAll(List.of("--port", String.valueOf(port), "--strategy", strategy, "--instance", name,
                "--max-per-backend", String.valueOf(BALANCER_MAX_PER_BACKEND),
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
        boolean healthy;
        try {
            healthy = process.awaitHealthy(STARTUP);
        } catch (InterruptedException e) {
            process.close(); // not yet the caller's to stop: it would outlive the wait
            throw e;
        }
        if (!healthy) {
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
     * An unmeasured closed-loop load on a server it has just started, so that the JIT has compiled
     * its hot paths before any figure is taken: {@link #WARMUP_CONCURRENCY} requests in flight for
     * {@code --server-warmup} seconds, and on until its compilers are quiet (see {@link #warmUp(ManagedProcess, List, int, int)}).
     */
    WarmUp warmUp(ManagedProcess server) throws IOException, InterruptedException {
        return warmUp(server, List.of(server), WARMUP_CONCURRENCY, plan.serverWarmupSeconds());
    }

    /**
     * An unmeasured closed loop of {@code concurrency} on {@code target} for {@code seconds}, and
     * then, while the JIT's compiler threads of the {@code compiling} processes (the target, and
     * whatever it sends its load on to) used more than {@value WarmUp#SETTLED_COMPILER_CORES} of a core
     * over the last stretch, {@value WarmUp#SETTLE_STEP_SECONDS} s more at a time, up to {@code
     * --settle-limit} seconds of warm-up in all (0: the fixed {@code seconds} only). Measured on 2
     * cores (2026-12-03): a fresh server's compilers used about half a core for the first 5-6 s of
     * this load and under 0.05 from 7 s on; with a balancer and four backends started together,
     * 0.6-1.0 core for 17 s and 0.1-0.4 until about 36 s. A warm-up of the fixed 6 s left that in
     * the strategy runs: the four runs after it used 2.0, 1.9, 1.0 and 0.9 cores of the machine for
     * the same load, in the order they ran, against 0.66-0.87 after 40 s. Its requests ask for at
     * most {@link #WARMUP_IO_MILLIS} of I/O, whatever the runs ask: the JIT compiles a path after
     * enough calls, not after enough time, and the shorter sleep lets the same workers serve up to
     * ten times the requests (a fresh async server then used 1.5 CPU-s per 10k requests in its
     * first run after 2 s, against 2.7 after 2 s at io_ms=10). The plan's CPU work is asked as the
     * runs ask it. {@code seconds} 0 is no warm-up at all. The client's log is the last stretch's.
     */
    WarmUp warmUp(ManagedProcess target, List<ManagedProcess> compiling, int concurrency, int seconds)
            throws IOException, InterruptedException {
        if (seconds == 0) {
            return ran(new WarmUp(target.name(), compiling.size(), 0, 0, WarmUp.Ending.NONE));
        }
        List<Long> pids = compiling.stream().map(ManagedProcess::pid).toList();
        int limit = plan.settleLimitSeconds();
        int stretch = seconds;
        int loaded = 0;
        while (true) {
            CompilerThreads.Reading compiledBefore = CompilerThreads.read(pids);
            long startNanos = System.nanoTime();
            List<String> arguments = new ArrayList<>(closedLoop(target.port(), "fifo", concurrency));
            arguments.addAll(List.of("--io-ms", String.valueOf(Math.min(plan.ioMillis(), WARMUP_IO_MILLIS)),
                    "--cpu-ms", String.valueOf(plan.cpuMillis()), "--duration", stretch + "s", "--quiet"));
            startClient(arguments, logs.resolve("warmup-" + target.name() + ".log"))
                    .await(Duration.ofSeconds(stretch + CLIENT_GRACE_SECONDS));
            double wallSeconds = (System.nanoTime() - startNanos) / 1e9;
            double compilerCores = CompilerThreads.read(pids).cpuSecondsSince(compiledBefore) / wallSeconds;
            loaded += stretch;
            if (limit == 0) {
                return ran(new WarmUp(target.name(), pids.size(), loaded, compilerCores, WarmUp.Ending.FIXED));
            }
            if (compilerCores <= WarmUp.SETTLED_COMPILER_CORES) {
                return ran(new WarmUp(target.name(), pids.size(), loaded, compilerCores, WarmUp.Ending.SETTLED));
            }
            if (loaded >= limit) {
                return ran(new WarmUp(target.name(), pids.size(), loaded, compilerCores, WarmUp.Ending.LIMIT));
            }
            stretch = Math.min(WarmUp.SETTLE_STEP_SECONDS, limit - loaded);
        }
    }

    private synchronized WarmUp ran(WarmUp warmUp) {
        warmUps.add(warmUp);
        return warmUp;
    }

    /** Every warm-up run so far, in order. */
    synchronized List<WarmUp> warmUps() {
        return List.copyOf(warmUps);
    }

    /** A client run ({@code client.jar run} with {@code arguments}), its output to {@code log}. */
    BatchClient.Call startClient(List<String> arguments, Path log) throws IOException {
        return client.submit(withCommand("run", arguments), log);
    }

    /** The client's capacity search ({@code client.jar search}), run like its runs. */
    BatchClient.Call startSearch(List<String> arguments, Path log) throws IOException {
        return client.submit(withCommand("search", arguments), log);
    }

    private static List<String> withCommand(String command, List<String> arguments) {
        List<String> line = new ArrayList<>();
        line.add(command);
        line.addAll(arguments);
        return line;
    }

    /** Stops the client's batch process, if it runs. */
    @Override
    public void close() {
        client.close();
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

    /**
     * A server's or the balancer's command, at the plan's niceness: on 2 shared cores a client
     * whose wake-up waits behind a server thread sends late, and its dispatch lag then shows the
     * scheduler, not the generator (measured in the strategy study, where the balancer and four
     * backends keep more than a core busy: the runs' dispatch-lag p99 had a median of 15 ms at
     * nice 0 and of 3.5-5.5 ms at nice 10, two rounds each). With the plan's server options and a
     * class-data archive beside the jar ({@code <module>.jsa}), which the JVM writes when it exits
     * if the archive is missing, and maps at every later start: a balancer then starts in 0.85 s
     * instead of 1.25 s (measured). Only start-up changes: what is measured runs after a warm-up.
     * The suite starts and stops its processes one at a time, so no two write the archive at once.
     */
    private List<String> serverCommand(Path jar) throws IOException {
        List<String> options = new ArrayList<>(plan.serverJvmOptions());
        options.add("-XX:+AutoCreateSharedArchive");
        options.add("-XX:SharedArchiveFile=" + currentArchive(jar));
        List<String> command = javaCommand(options, jar);
        if (plan.serverNice() > 0) {
            command.addAll(0, List.of("nice", "-n", String.valueOf(plan.serverNice()))); // nice execs: the PID is java's
        }
        return command;
    }

    /**
     * The class-data archive of {@code jar}, deleted first if it is older than the jar. JDK 25
     * does not rewrite such an archive: it refuses it at every start ("shared class paths
     * mismatch", four lines of warnings and errors in the server's log), runs without one and
     * writes none at exit, so every start after a rebuild was the slow one. A missing archive it
     * writes.
     */
    static Path currentArchive(Path jar) throws IOException {
        Path archive = jar.resolveSibling(jar.getFileName().toString().replaceFirst("\\.jar$", "") + ".jsa");
        if (Files.exists(archive) && Files.exists(jar)
                && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) < 0) {
            Files.delete(archive);
        }
        return archive;
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
