package dev.loadlab.server.async;

import dev.loadlab.api.cli.OptionRange;
import dev.loadlab.api.cli.ServerLauncher;
import dev.loadlab.api.cli.ServerOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code java -jar server-async.jar --port 8083}: the API on the NIO event loop. */
@Command(name = "server-async", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Serves the loadlab API with non-blocking handlers on Undertow's NIO event loops, as",
            "Node.js serves: no thread ever blocks. io_ms is a timer on the event loop; a waiting",
            "request is a suspended exchange, and the lane's discipline decides which one resumes next.",
            "cpu_ms runs ON THE EVENT LOOP, as in Node.js: while it computes, every other connection of",
            "that loop waits. With --io-threads 1 the server is single-threaded, like one Node process.",
            "SIGTERM drains: new requests get 503 draining, queued and in-service ones are answered, exit 0."
        })
public final class AsyncServer implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ServerOptions options;

    @Option(names = "--io-threads", paramLabel = "N",
            description = "Event loops (I/O threads), 1..1024 (default: the number of cores, ${DEFAULT-VALUE}).")
    private int ioThreads = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() throws InterruptedException {
        options.validate();
        OptionRange.check(spec.commandLine(), ioThreads, 1, 1024, "--io-threads");
        return ServerLauncher.serve(options, new EventLoopModel(), ioThreads, System.out);
    }

    public static void main(String[] args) {
        System.exit(ServerLauncher.execute(new AsyncServer(), args));
    }
}
