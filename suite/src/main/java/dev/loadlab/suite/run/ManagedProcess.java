package dev.loadlab.suite.run;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A process the suite started (a server, the balancer, the client's batch): it waits on a server's
 * {@code /health} (never on a fixed sleep), reads the process's CPU time, and stops it by its PID:
 * SIGTERM, then SIGKILL after a grace period. Every process started is registered so that a JVM
 * shutdown (Ctrl-C of the suite) stops all of them, and its PID is appended to a list of every
 * process the suite started ({@value #PROCESS_LIST}, next to the logs), so that anyone can check
 * afterwards that none outlived it.
 *
 * <p>Threading: used by the suite's main thread; the registry is also read by the shutdown hook.
 */
public final class ManagedProcess implements AutoCloseable {
    private static final Set<ManagedProcess> RUNNING = ConcurrentHashMap.newKeySet();
    /**
     * Tab-separated: PID, start time (as {@code ProcessHandle.Info.startInstant}, for people), start
     * in clock ticks since boot ({@link ProcStat#startTicks}, so that a reused PID is told apart even
     * across a step of the wall clock), name, command line; one line per process started, written
     * before it runs on.
     */
    public static final String PROCESS_LIST = "processes.tsv";
    private static final Duration GRACE = Duration.ofSeconds(15);
    /** Held while a process is spawned and registered, and by the shutdown hook to set {@link #stopping}. */
    private static final Object STARTING = new Object();
    /** Set by the shutdown hook, under {@link #STARTING}: from then on nothing new starts. */
    private static boolean stopping;

    static {
        // The hook waits for a start in progress to register its process, then stops everything
        // registered; a start after that spawns nothing. (Without the lock, the suite's thread
        // could spawn a process after the hook had finished and before the JVM halted: an orphan.)
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (STARTING) {
                stopping = true;
            }
            RUNNING.parallelStream().forEach(ManagedProcess::close);
        }, "stop-suite-processes"));
    }

    private final String name;
    private final Process process;
    private final int port;
    private final List<String> command;
    private final Path log;
    /** True between {@link #pause} and {@link #resume}; read by the shutdown hook's close. */
    private volatile boolean paused;

    private ManagedProcess(String name, Process process, int port, List<String> command, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.command = List.copyOf(command);
        this.log = log;
    }

    /**
     * Starts {@code command}, its output going to {@code log}, and lists its PID in the
     * {@value #PROCESS_LIST} beside the log.
     */
    static ManagedProcess start(String name, List<String> command, int port, Path log) throws IOException {
        return start(name, command, port, log, ProcessBuilder.Redirect.to(log.toFile()));
    }

    /**
     * Starts {@code command} with pipes to its standard input and from its standard output
     * ({@link #input}, {@link #output}), its standard error going to {@code log}; listed like the others.
     */
    static ManagedProcess startPiped(String name, List<String> command, Path log) throws IOException {
        return start(name, command, -1, log, new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectError(ProcessBuilder.Redirect.to(log.toFile())));
    }

    /** The same command again, as a new process (the old one has ended); its output is added to the same log. */
    ManagedProcess restart() throws IOException {
        return start(name, command, port, log, ProcessBuilder.Redirect.appendTo(log.toFile()));
    }

    private static ManagedProcess start(String name, List<String> command, int port, Path log,
            ProcessBuilder.Redirect output) throws IOException {
        return start(name, command, port, log, new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))));
    }

    private static ManagedProcess start(String name, List<String> command, int port, Path log, ProcessBuilder builder)
            throws IOException {
        synchronized (STARTING) {
            if (stopping) {
                throw new IOException("the suite is stopping: " + name + " not started");
            }
            Process process = builder.start();
            ManagedProcess managed = new ManagedProcess(name, process, port, command, log);
            RUNNING.add(managed);
            Files.writeString(log.resolveSibling(PROCESS_LIST),
                    process.pid() + "\t" + process.toHandle().info().startInstant().map(Object::toString).orElse("?")
                            + "\t" + ticksOrUnknown(ProcStat.startTicks(process.pid()))
                            + "\t" + name + "\t" + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return managed;
        }
    }

    private static String ticksOrUnknown(OptionalLong ticks) {
        return ticks.isPresent() ? Long.toString(ticks.getAsLong()) : "?";
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The exit code, if the process has ended. */
    Optional<Integer> exitCode() {
        return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    /**
     * Waits until {@code GET /health} answers 200, the process dies, or {@code within} passes.
     * Returns true when healthy.
     */
    boolean awaitHealthy(Duration within) throws InterruptedException {
        URI health = URI.create("http://127.0.0.1:" + port + "/health");
        long deadline = System.nanoTime() + within.toNanos();
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            while (System.nanoTime() < deadline && process.isAlive()) {
                try {
                    HttpResponse<Void> answer = client.send(HttpRequest.newBuilder(health)
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                    if (answer.statusCode() == 200) {
                        return true;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(50);
            }
        }
        return false;
    }

    /** Waits for the process to exit by itself; its exit code, or empty if it is still running. */
    Optional<Integer> awaitExit(Duration within) throws InterruptedException {
        return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS) ? Optional.of(process.exitValue()) : Optional.empty();
    }

    long pid() {
        return process.pid();
    }

    /** The process's standard input, of one started by {@link #startPiped}. */
    OutputStream input() {
        return process.getOutputStream();
    }

    /** The process's standard output, of one started by {@link #startPiped}. */
    InputStream output() {
        return process.getInputStream();
    }

    /**
     * SIGSTOP: the process stops dead, as in a stop-the-world pause, until {@link #resume}. Not once
     * it is closed or the suite is stopping, so that a fault's thread cannot stop a process the
     * shutdown hook has just resumed to end it.
     */
    void pause() throws IOException, InterruptedException {
        synchronized (STARTING) {
            if (stopping || !RUNNING.contains(this)) {
                return;
            }
            paused = true;
            signal("STOP");
        }
    }

    /** SIGCONT after {@link #pause}. */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
        paused = false;
    }

    /** SIGKILL, and waits for it to be gone: a crash, with no chance to drain. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Sends a signal by PID with kill(1): Java's Process has no SIGSTOP or SIGCONT. */
    private void signal(String signal) throws IOException, InterruptedException {
        if (process.isAlive()) {
            new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        }
    }

    /**
     * SIGTERM, then SIGKILL if it has not exited within the grace period; a paused process is
     * resumed first, since a stopped one cannot act on SIGTERM. Idempotent.
     */
    @Override
    public void close() {
        RUNNING.remove(this);
        if (!process.isAlive()) {
            return;
        }
        if (paused) {
            try {
                resume();
            } catch (IOException e) {
                process.destroyForcibly(); // SIGKILL ends a stopped process too
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        process.toHandle().destroy();
        try {
            if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
