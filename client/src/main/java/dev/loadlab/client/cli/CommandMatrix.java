package dev.loadlab.client.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The matrix of client command lines for a full comparison: every server × every queue
 * discipline × every concurrency level, one {@code run} each, each writing its own result
 * folder. The successor of the seed's {@code generate_client_commands}. Immutable.
 *
 * @param launcher     how the client is started, e.g. {@code java -jar client/target/client.jar}
 * @param host         the host every server listens on
 * @param serverPorts  server name to port, in output order
 * @param disciplines  queue disciplines, in output order
 * @param concurrency  concurrency levels, in output order
 * @param requests     requests per run
 * @param resultsDir   parent folder of the result folders
 */
public record CommandMatrix(String launcher, String host, Map<String, Integer> serverPorts, List<String> disciplines,
                            List<Integer> concurrency, long requests, String resultsDir) {

    /** The servers of the suite, in output order. */
    public static final List<String> SERVERS = List.of("threads", "virtual-threads", "async", "balancer");
    /** The queue disciplines every server offers. */
    public static final List<String> DISCIPLINES = List.of("fifo", "lifo", "adaptive-lifo", "codel");

    /** The path of a discipline's lane; fifo and lifo keep the seed's paths. */
    public static String path(String discipline) {
        return switch (discipline) {
            case "fifo" -> "/api/process_fifo";
            case "lifo" -> "/api/process_lifo";
            default -> "/api/process/" + discipline;
        };
    }

    public List<String> commandLines() {
        List<String> lines = new ArrayList<>();
        serverPorts.forEach((server, port) -> {
            for (String discipline : disciplines) {
                for (int c : concurrency) {
                    String name = server + "-" + discipline + "-c" + c;
                    lines.add(launcher
                            + " --url http://" + host + ":" + port + path(discipline)
                            + " --requests " + requests
                            + " --concurrency " + c
                            + " --label " + name
                            + " --output " + resultsDir + "/" + name);
                }
            }
        });
        return lines;
    }
}
