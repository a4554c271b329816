package dev.loadlab.server.virtualthreads;

import dev.loadlab.api.cli.ServerLauncher;
import dev.loadlab.api.cli.ServerOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code java -jar server-virtual-threads.jar --port 8082}: the API on a virtual thread per request. */
@Command(name = "server-virtual-threads", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Serves the loadlab API with one virtual thread per request, written in blocking style,",
            "as Go serves with goroutines: io_ms is Thread.sleep, which unmounts the virtual thread,",
            "cpu_ms computes on it. --workers is the number of permits per lane; a waiting request is",
            "a parked virtual thread, and the lane's discipline decides which one gets the next permit.",
            "SIGTERM drains: new requests get 503 draining, queued and in-service ones are answered, exit 0."
        })
public final class VirtualThreadsServer implements Callable<Integer> {
    @Mixin
    private ServerOptions options;

    @Override
    public Integer call() throws InterruptedException {
        options.validate();
        return ServerLauncher.serve(options, new VirtualThreadModel(),
                Runtime.getRuntime().availableProcessors(), System.out);
    }

    public static void main(String[] args) {
        System.exit(ServerLauncher.execute(new VirtualThreadsServer(), args));
    }
}
