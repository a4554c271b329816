package dev.loadlab.client.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.loadlab.client.ClientMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code client batch}: one client command per line of standard input, run in this one JVM, each
 * answered by one line on standard output. For a driver that runs many short runs, as the suite
 * does: a run then pays no JVM start, class loading or first compilation of its own (about
 * 0.8 s of a 3 s run, measured), and the driver reads the one process's CPU over each run's
 * measured window, which the run's {@code result.json} gives.
 *
 * <p>The lines, one JSON object each way:
 * <pre>
 *   in:  {"args": ["run", "--url", "http://127.0.0.1:8080/api/process_fifo", ...], "log": "/tmp/run-1.log"}
 *   out: {"exit": 0}
 * </pre>
 * {@code args} are a {@code run} or {@code search} command line, exactly as {@code client.jar}
 * takes it; the command's own output (its report, and its errors) goes to {@code log}, created or
 * replaced, or without one to this process's standard error: standard output carries only the
 * answers. {@code exit} is the command's exit code; a line that is not such an object, or names
 * another command, is answered {@code {"exit": 2, "error": "..."}} and the batch goes on. The batch
 * ends, with exit code 0, at the end of its input.
 *
 * <p>Threading: one command at a time, on the calling thread; a run's own threads end before it
 * is answered.
 */
@Command(name = "batch", usageHelpAutoWidth = true,
        description = {"Run one 'run' or 'search' command per line of standard input in this one JVM, answering"
                + " each with one line on standard output: for a driver of many short runs (the suite).",
            "In:  {\"args\": [\"run\", \"--url\", \"...\", ...], \"log\": \"/path/run.log\"}   (log: optional;"
                + " the command's output, else standard error)",
            "Out: {\"exit\": 0}   or   {\"exit\": 2, \"error\": \"...\"} for a line that is not such a command"})
public final class BatchCommand implements Callable<Integer> {
    /** The commands a batch runs: the ones that load a target. */
    static final List<String> COMMANDS = List.of("run", "search");

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Override
    public Integer call() throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        serve(in, spec.commandLine().getOut(), spec.commandLine().getErr());
        return 0;
    }

    /**
     * Answers every line of {@code in} on {@code answers}, until the end of {@code in}; a command
     * without a log writes to {@code diagnostics}.
     */
    static void serve(BufferedReader in, PrintWriter answers, PrintWriter diagnostics) throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            answers.println(answer(line, diagnostics));
            answers.flush();
        }
    }

    private static String answer(String line, PrintWriter diagnostics) throws JsonProcessingException {
        Request request;
        try {
            request = Request.parse(line);
        } catch (IllegalArgumentException e) {
            return JSON.writeValueAsString(Map.of("exit", 2, "error", e.getMessage()));
        }
        int exitCode;
        if (request.log() == null) {
            exitCode = ClientMain.execute(request.args(), diagnostics, diagnostics);
        } else {
            try (PrintWriter log = new PrintWriter(Files.newBufferedWriter(request.log(), StandardCharsets.UTF_8))) {
                exitCode = ClientMain.execute(request.args(), log, log);
            } catch (IOException | UncheckedIOException e) {
                return JSON.writeValueAsString(Map.of("exit", 2, "error", "cannot write the log "
                        + request.log() + ": " + e.getMessage()));
            }
        }
        return JSON.writeValueAsString(Map.of("exit", exitCode));
    }

    /** One line of the batch's input: a command line and where its output goes (null: standard error). */
    private record Request(String[] args, Path log) {
        static Request parse(String line) {
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("not a JSON object: " + e.getOriginalMessage());
            }
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("not a JSON object: " + abbreviated(line));
            }
            JsonNode args = node.get("args");
            if (args == null || !args.isArray() || args.isEmpty()) {
                throw new IllegalArgumentException("\"args\" must be a non-empty array of strings");
            }
            List<String> command = new ArrayList<>();
            for (JsonNode arg : args) {
                if (!arg.isTextual()) {
                    throw new IllegalArgumentException("\"args\" must be a non-empty array of strings, got " + arg);
                }
                command.add(arg.asText());
            }
            if (!COMMANDS.contains(command.getFirst())) {
                throw new IllegalArgumentException("a batch runs " + String.join(" or ", COMMANDS)
                        + " commands, got '" + command.getFirst() + "'");
            }
            JsonNode log = node.get("log");
            if (log != null && !log.isTextual()) {
                throw new IllegalArgumentException("\"log\" must be a file name, got " + log);
            }
            return new Request(command.toArray(String[]::new), log == null ? null : Path.of(log.asText()));
        }

        private static String abbreviated(String line) {
            return line.length() <= 60 ? line : line.substring(0, 60) + "...";
        }
    }
}
