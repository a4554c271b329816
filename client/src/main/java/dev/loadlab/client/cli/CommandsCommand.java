package dev.loadlab.client.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code client commands}: prints the matrix of client command lines, one per line. */
@Command(name = "commands", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Prints one client command line per server x discipline x concurrency level.",
                "Each run writes its own result folder under --results-dir."})
public final class CommandsCommand implements Callable<Integer> {
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:.]+]");

    @Spec
    private CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Host of every server (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--threads-port", defaultValue = "8081", paramLabel = "PORT",
            description = "Port of server-threads (default: ${DEFAULT-VALUE}).")
    private int threadsPort;

    @Option(names = "--virtual-threads-port", defaultValue = "8082", paramLabel = "PORT",
            description = "Port of server-virtual-threads (default: ${DEFAULT-VALUE}).")
    private int virtualThreadsPort;

    @Option(names = "--async-port", defaultValue = "8083", paramLabel = "PORT",
            description = "Port of server-async (default: ${DEFAULT-VALUE}).")
    private int asyncPort;

    @Option(names = "--balancer-port", defaultValue = "8080", paramLabel = "PORT",
            description = "Port of the balancer (default: ${DEFAULT-VALUE}).")
    private int balancerPort;

    @Option(names = "--servers", split = ",", paramLabel = "NAME",
            defaultValue = "threads,virtual-threads,async,balancer",
            description = "Servers, comma-separated (default: ${DEFAULT-VALUE}).")
    private List<String> servers;

    @Option(names = "--disciplines", split = ",", paramLabel = "NAME", defaultValue = "fifo,lifo,adaptive-lifo,codel",
            description = "Queue disciplines, comma-separated (default: ${DEFAULT-VALUE}).")
    private List<String> disciplines;

    @Option(names = {"-c", "--concurrency"}, split = ",", paramLabel = "C", defaultValue = "1,10,50,100,200",
            description = "Concurrency levels, comma-separated (default: ${DEFAULT-VALUE}).")
    private List<Integer> concurrency;

    @Option(names = {"-n", "--requests", "--num_requests"}, defaultValue = "1000", paramLabel = "N",
            description = "Requests per run (default: ${DEFAULT-VALUE}).")
    private long requests;

    @Option(names = "--launcher", defaultValue = "java -jar client/target/client.jar", paramLabel = "COMMAND",
            description = "How each line starts the client (default: ${DEFAULT-VALUE}).")
    private String launcher;

    @Option(names = "--results-dir", defaultValue = "results", paramLabel = "DIR",
            description = "Parent folder of the result folders (default: ${DEFAULT-VALUE}).")
    private String resultsDir;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Override
    public Integer call() {
        if (!HOST.matcher(host).matches()) {
            throw usage("--host must be a host name or address, got '" + host + "'");
        }
        Map<String, Integer> ports = Map.of("threads", threadsPort, "virtual-threads", virtualThreadsPort,
                "async", asyncPort, "balancer", balancerPort);
        Map<String, Integer> selected = new LinkedHashMap<>();
        for (String server : servers) {
            if (!CommandMatrix.SERVERS.contains(server)) {
                throw usage("--servers: unknown server '" + server + "'; known: " + String.join(",", CommandMatrix.SERVERS));
            }
            int port = ports.get(server);
            if (port < 1 || port > 65_535) {
                throw usage("the port of " + server + " must be in 1..65535, got " + port);
            }
            selected.put(server, port);
        }
        for (String discipline : disciplines) {
            if (!CommandMatrix.DISCIPLINES.contains(discipline)) {
                throw usage("--disciplines: unknown discipline '" + discipline + "'; known: "
                        + String.join(",", CommandMatrix.DISCIPLINES));
            }
        }
        for (int c : concurrency) {
            if (c < 1 || c > 100_000) {
                throw usage("--concurrency levels must be in 1..100000, got " + c);
            }
        }
        if (requests < 1) {
            throw usage("--requests must be at least 1, got " + requests);
        }
        PrintWriter out = spec.commandLine().getOut();
        new CommandMatrix(launcher, host, selected, List.copyOf(disciplines), List.copyOf(concurrency), requests,
                resultsDir).commandLines().forEach(out::println);
        out.flush();
        return 0;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
