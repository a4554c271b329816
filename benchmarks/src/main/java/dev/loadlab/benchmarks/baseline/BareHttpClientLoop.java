package dev.loadlab.benchmarks.baseline;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The floor the load generator is measured against: the cheapest closed loop
 * {@code java.net.http.HttpClient} allows, with no accounting, no histogram, no timeout and the
 * body discarded. Whatever {@code client} costs beyond it is what its own machinery costs; what
 * this loop costs beyond wrk is the HTTP client's.
 *
 * <pre>
 * java -XX:+UseSerialGC -Xms512m -Xmn256m -Djdk.virtualThreadScheduler.parallelism=1 \
 *      -cp benchmarks/target/benchmarks.jar dev.loadlab.benchmarks.baseline.BareHttpClientLoop \
 *      --url http://127.0.0.1:18080/ --concurrency 50 --warmup 15 --duration 15
 * </pre>
 *
 * <p>The loop is the client's: HTTP/1.1, completions run in place ({@code executor(Runnable::run)}),
 * no proxy, one immutable request, each worker a virtual thread blocked in {@code send}. It prints
 * one line: requests per second and this process's CPU seconds per 10,000 requests, both over
 * the measured window only.
 *
 * <p>Threading: the main thread starts the workers, sleeps through warm-up and window, reads
 * the counter and the CPU time, and exits the JVM; the workers only send and count.
 */
@Command(name = "bare-httpclient-loop", mixinStandardHelpOptions = true, sortOptions = false,
        description = "The cheapest HttpClient closed loop: the floor for the client's CPU per request.")
public final class BareHttpClientLoop implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--url", required = true, description = "Target on loopback (127.0.0.1 or ::1).")
    private URI url;

    @Option(names = "--concurrency", defaultValue = "50", description = "Workers, each with one request in flight (default: ${DEFAULT-VALUE}).")
    private int concurrency;

    @Option(names = "--warmup", defaultValue = "15", description = "Seconds sent but not measured (default: ${DEFAULT-VALUE}).")
    private int warmupSeconds;

    @Option(names = "--duration", defaultValue = "15", description = "Seconds measured (default: ${DEFAULT-VALUE}).")
    private int durationSeconds;

    private final LongAdder answered = new LongAdder();

    public static void main(String[] args) {
        System.exit(new CommandLine(new BareHttpClientLoop()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        validate();
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(Runnable::run)
                .proxy(HttpClient.Builder.NO_PROXY)
                .build();
        HttpRequest request = HttpRequest.newBuilder(url).build();
        for (int i = 0; i < concurrency; i++) {
            Thread.ofVirtual().name("bare-loop-", i).start(() -> loop(client, request));
        }
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Thread.sleep(warmupSeconds * 1000L);
        long cpuBefore = os.getProcessCpuTime();
        long before = answered.sum();
        Thread.sleep(durationSeconds * 1000L);
        long cpuAfter = os.getProcessCpuTime();
        long requests = answered.sum() - before;
        double cpuSeconds = (cpuAfter - cpuBefore) / 1e9;
        System.out.printf("bare HttpClient loop: %d workers, %ds after %ds warm-up: %.0f req/s, %.3f CPU-s per 10k requests%n",
                concurrency, durationSeconds, warmupSeconds, requests / (double) durationSeconds,
                requests == 0 ? Double.NaN : cpuSeconds * 10_000 / requests);
        return 0;
    }

    private void loop(HttpClient client, HttpRequest request) {
        HttpResponse.BodyHandler<Void> discard = HttpResponse.BodyHandlers.discarding();
        while (true) {
            try {
                client.send(request, discard);
                answered.increment();
            } catch (Exception e) {
                System.err.println("request failed: " + e);
                return;
            }
        }
    }

    private void validate() throws Exception {
        if (!"http".equals(url.getScheme()) || url.getHost() == null) {
            throw new ParameterException(spec.commandLine(), "--url must be http://HOST:PORT/PATH, got " + url);
        }
        if (!InetAddress.getByName(url.getHost()).isLoopbackAddress()) {
            throw new ParameterException(spec.commandLine(), "--url must be on loopback (127.0.0.1 or ::1), got " + url);
        }
        if (concurrency < 1 || warmupSeconds < 0 || durationSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--concurrency and --duration must be >= 1, --warmup >= 0");
        }
    }
}
