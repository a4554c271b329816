package dev.loadlab.suite.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The client process every client command of the suite goes through, one at a time: runs,
 * warm-ups and capacity searches, each sent to {@code client.jar batch} as one line and answered
 * by one. The process is started when a command first needs it, runs for the whole suite, and is
 * sampled by the CPU sampler all along: a run's client CPU is that process's over the run's
 * measured window, as before, but no run pays a JVM start of its own (0.8 s of each 3 s run,
 * measured with the default profile's client options). A command that does not answer within its
 * bound has its process stopped (by PID); the next command starts a new one.
 *
 * <p>Threading: the suite's thread calls it; one reader thread per process hands its answers over
 * through a queue.
 */
final class BatchClient implements AutoCloseable {
    /** What the reader puts on the queue when the process's output ends. */
    private static final String ENDED = "";
    /** One line per command and answer: the batch reads a line at a time. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> command;
    private final Path log;
    private final CpuSampler sampler;
    private ManagedProcess process;
    private Writer requests;
    private BlockingQueue<String> answers;

    /** A batch of {@code command} (the client's java command line, ending in {@code batch}), its own errors to {@code log}. */
    BatchClient(List<String> command, Path log, CpuSampler sampler) {
        this.command = List.copyOf(command);
        this.log = log;
        this.sampler = sampler;
    }

    /** The command's outcome: its exit code, or why there is none. */
    record Answer(Integer exitCode, String problem) {
    }

    /** A command sent and not yet answered. */
    final class Call {
        private final ManagedProcess process;
        private final Path commandLog;

        private Call(ManagedProcess process, Path commandLog) {
            this.process = process;
            this.commandLog = commandLog;
        }

        /** The process running the command, whose CPU is the client's. */
        ManagedProcess process() {
            return process;
        }

        /**
         * Waits for the answer, at most {@code bound}; past it, or when the process ends first, the
         * process is stopped and the answer says why.
         */
        Answer await(Duration bound) throws InterruptedException {
            String line = answers.poll(bound.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                stop();
                String within = bound.toMillis() % 1000 == 0 ? bound.toSeconds() + " s" : bound.toMillis() + " ms";
                return new Answer(null, "the client did not finish within " + within + " and was stopped");
            }
            if (line.equals(ENDED)) {
                // Its output ends before it is reaped: its exit code comes a moment later.
                Integer exit = process.awaitExit(Duration.ofSeconds(5)).orElse(null);
                stop();
                return new Answer(null, "the client process ended during the command (exit code " + exit
                        + "); see logs/" + log.getFileName());
            }
            try {
                JsonNode answer = JSON.readTree(line);
                if (answer.has("error")) {
                    Files.writeString(commandLog, "client batch: " + answer.get("error").asText() + "\n",
                            StandardCharsets.UTF_8);
                }
                return new Answer(answer.get("exit").asInt(), null);
            } catch (IOException | RuntimeException e) {
                stop();
                return new Answer(null, "the client answered what is not an answer: " + line);
            }
        }
    }

    /** Sends a command ({@code run ...} or {@code search ...}), its output to {@code commandLog}. */
    Call submit(List<String> arguments, Path commandLog) throws IOException {
        String line = JSON.writeValueAsString(Map.of("args", List.copyOf(arguments), "log", commandLog.toString()))
                + "\n";
        if (process == null || !process.alive()) {
            start();
        }
        try {
            send(line);
        } catch (IOException ended) { // it ended since it was last asked: once more, with a new one
            start();
            send(line);
        }
        return new Call(process, commandLog);
    }

    private void send(String line) throws IOException {
        requests.write(line);
        requests.flush();
    }

    private void start() throws IOException {
        stop();
        ManagedProcess started = ManagedProcess.startPiped("client batch", command, log);
        BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader output = new BufferedReader(new InputStreamReader(started.output(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = output.readLine()) != null) {
                    if (!line.isBlank()) {
                        queue.add(line);
                    }
                }
            } catch (IOException e) {
                // the process is gone: said below
            }
            queue.add(ENDED);
        }, "client-batch-answers");
        reader.setDaemon(true);
        reader.start();
        process = started;
        requests = new OutputStreamWriter(started.input(), StandardCharsets.UTF_8);
        answers = queue;
        sampler.watch(started);
    }

    private void stop() {
        if (process != null) {
            sampler.forget(process);
            process.close();
            process = null;
        }
    }

    /** Ends the batch: stops its process, if one runs. */
    @Override
    public void close() {
        stop();
    }
}
