package dev.loadlab.server.threads;

import dev.loadlab.api.cli.ServerLauncher;
import dev.loadlab.api.cli.ServerOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code java -jar server-threads.jar --port 8081}: the API on platform-thread pools. */
@Command(name = "server-threads", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Serves the loadlab API with a bounded pool of platform threads per lane, as a threaded",
            "Python Flask server does: a request in service holds a platform thread for its whole",
            "life, io_ms blocks that thread in Thread.sleep, cpu_ms computes on it. A waiting request",
            "is a task in the lane's queue; a freed thread takes the next one in discipline order.",
            "SIGTERM drains: new requests get 503 draining, queued and in-service ones are answered, exit 0."
        })
public final class ThreadsServer implements Callable<Integer> {
    @Mixin
    private ServerOptions options;

    @Override
    public Integer call() throws InterruptedException {
        options.validate();
        return ServerLauncher.serve(options, new PlatformThreadModel(options.laneSettings()),
                Runtime.getRuntime().availableProcessors(), System.out);
    }

    public static void main(String[] args) {
        System.exit(ServerLauncher.execute(new ThreadsServer(), args));
    }
}
