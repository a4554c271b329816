package dev.loadlab.deploy.kubernetes;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.loadlab.api.cli.ServerOptions;
import dev.loadlab.balancer.Balancer;
import dev.loadlab.client.ClientMain;
import dev.loadlab.server.async.AsyncServer;
import dev.loadlab.server.threads.ThreadsServer;
import dev.loadlab.server.virtualthreads.VirtualThreadsServer;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The programs the images run, by image name, each parsing a command line with its own picocli
 * command, so that a manifest holds only command lines its program accepts. Parsing checks names,
 * arity and types; the servers' ranges are checked too ({@link ServerOptions#validate()}). What a
 * command checks only when it runs (the client's reachability of its target) is not.
 */
final class Programs {
    private static final Map<String, Supplier<Object>> TARGETS = Map.of(
            "server-threads", ThreadsServer::new,
            "server-virtual-threads", VirtualThreadsServer::new,
            "server-async", AsyncServer::new,
            "balancer", Balancer::new);

    private Programs() {
    }

    /** The image's program name: {@code loadlab/server-async:0.1.0-SNAPSHOT} is {@code server-async}. */
    static String programOf(String image) {
        String repository = image.contains(":") ? image.substring(0, image.lastIndexOf(':')) : image;
        return repository.substring(repository.lastIndexOf('/') + 1);
    }

    static boolean isTarget(String program) {
        return TARGETS.containsKey(program);
    }

    /** A server's or the balancer's command line, parsed and, for the servers, range-checked. */
    static ParseResult parseTarget(String program, List<String> arguments) {
        CommandLine commandLine = new CommandLine(TARGETS.get(program).get());
        ParseResult parsed = parse(program, commandLine, arguments);
        CommandSpec options = commandLine.getCommandSpec().mixins().get("options");
        if (options != null) {
            try {
                ((ServerOptions) options.userObject()).validate();
            } catch (ParameterException e) {
                throw new AssertionError(program + " refuses " + arguments + ": " + e.getMessage(), e);
            }
        }
        return parsed;
    }

    /** A client command line, parsed as {@code ClientMain} parses it (its subcommand, when named, first). */
    static ParseResult parseClient(List<String> arguments) {
        return parse("client", new CommandLine(new ClientMain()).setCaseInsensitiveEnumValuesAllowed(true), arguments);
    }

    private static ParseResult parse(String program, CommandLine commandLine, List<String> arguments) {
        try {
            return commandLine.parseArgs(arguments.toArray(String[]::new));
        } catch (ParameterException e) {
            throw new AssertionError(program + " refuses " + arguments + ": " + e.getMessage(), e);
        }
    }
}
