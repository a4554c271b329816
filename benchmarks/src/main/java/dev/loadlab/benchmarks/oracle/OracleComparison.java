package dev.loadlab.benchmarks.oracle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;

import org.HdrHistogram.Histogram;

import dev.loadlab.client.oracle.OracleModel;
import dev.loadlab.client.oracle.OracleServer;
import dev.loadlab.client.oracle.ServiceTime;
import dev.loadlab.client.oracle.Stall;
import dev.loadlab.client.output.ResultDocument;
import dev.loadlab.client.output.ResultFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The client against ground truth, at any rate: starts the client's {@link OracleServer} in this
 * process, runs {@code client.jar run} as a process of its own against it (an open loop, uniform
 * arrivals), and prints the latency percentiles the client reported next to the ones
 * {@link OracleModel} says a perfect generator must report, with their difference. The oracle
 * stalls once for {@code --stall} halfway through the measured phase; the connections are few
 * enough that requests wait for one during the stall, so the uncorrected histogram shows only the
 * requests in flight on the oracle then.
 *
 * <p>Run it with {@code benchmarks/oracle.sh} (1k, 5k and 20k req/s), or by hand:
 * {@code java -cp benchmarks/target/benchmarks.jar dev.loadlab.benchmarks.oracle.OracleComparison --help}.
 */
@Command(name = "OracleComparison", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs client.jar against the oracle and prints client vs model percentiles.")
public final class OracleComparison implements Callable<Integer> {
    private static final double[] PERCENTILES = {50, 90, 99, 99.9, 100};

    @Option(names = "--client-jar", required = true, description = "client/target/client.jar")
    private Path clientJar;

    @Option(names = "--rate", required = true, description = "Requests per second.")
    private double rateHz;

    @Option(names = "--service", defaultValue = "fixed",
            description = "fixed or exponential (default: ${DEFAULT-VALUE}).")
    private String service;

    @Option(names = "--service-ms", defaultValue = "10", description = "Service time or its mean, ms (default: ${DEFAULT-VALUE}).")
    private double serviceMillis;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the exponential service times (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--connections", description = "Client connections (default: 4 x rate x service time, at least 50).")
    private Integer connections;

    @Option(names = "--warmup-s", defaultValue = "2", description = "Client warm-up, s (default: ${DEFAULT-VALUE}).")
    private int warmupSeconds;

    @Option(names = "--duration-s", defaultValue = "10", description = "Measured time, s (default: ${DEFAULT-VALUE}).")
    private int durationSeconds;

    @Option(names = "--stall-ms", defaultValue = "1000", description = "The oracle's stall, ms, halfway through the measured time (default: ${DEFAULT-VALUE}).")
    private long stallMillis;

    @Option(names = "--client-jvm-options", defaultValue = "-XX:+UseSerialGC -Xms512m -Xmn256m",
            description = "JVM options of the client (default: ${DEFAULT-VALUE}).")
    private String clientJvmOptions;

    public static void main(String[] args) {
        System.exit(new CommandLine(new OracleComparison()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        long serviceNanos = Math.round(serviceMillis * 1e6);
        ServiceTime serviceTime = switch (service) {
            case "fixed" -> new ServiceTime.Fixed(serviceNanos);
            case "exponential" -> new ServiceTime.Exponential(serviceNanos, seed);
            default -> throw new CommandLine.ParameterException(new CommandLine(this),
                    "--service must be fixed or exponential, got " + service);
        };
        int clientConnections = connections != null ? connections
                : (int) Math.max(50, Math.ceil(4 * rateHz * serviceMillis / 1000));
        long stallAt = Math.round(rateHz * (warmupSeconds + durationSeconds / 2.0));
        Stall stall = new Stall(stallAt, TimeUnit.MILLISECONDS.toNanos(stallMillis));
        OracleModel model = OracleModel.of(rateHz, TimeUnit.SECONDS.toNanos(warmupSeconds),
                TimeUnit.SECONDS.toNanos(durationSeconds), clientConnections, serviceTime, stall);
        System.out.printf(Locale.ROOT, "oracle: %,.0f req/s uniform, %s, stall %d ms at request %,d (%.1f s into the"
                        + " measured %d s, after %d s of warm-up), %d connections%n", rateHz, serviceTime.describe(),
                stallMillis, stallAt, durationSeconds / 2.0, durationSeconds, warmupSeconds, clientConnections);
        Path output = Files.createTempDirectory("loadlab-oracle");
        ResultDocument result;
        OracleServer oracle = OracleServer.start(serviceTime, stall);
        try (oracle) {
            result = runClient(oracle, clientConnections, output);
            if (result == null) {
                return 1;
            }
        }
        Histogram late = oracle.lateness();
        System.out.printf(Locale.ROOT, "oracle saw %,d requests, stalled: %s; its answers left late by p50 %.2f ms,"
                        + " p99 %.2f ms, max %.2f ms%n", oracle.arrived(), oracle.stalled(),
                late.getValueAtPercentile(50) / 1e3, late.getValueAtPercentile(99) / 1e3, late.getMaxValue() / 1e3);
        print(result, model);
        return 0;
    }

    private ResultDocument runClient(OracleServer oracle, int clientConnections, Path output)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(clientJvmOptions.trim().split("\\s+")));
        command.addAll(List.of("-jar", clientJar.toString(), "run", "--url", oracle.url().toString(),
                "--rate", String.valueOf(rateHz), "--connections", String.valueOf(clientConnections),
                "--warmup", warmupSeconds + "s", "--duration", durationSeconds + "s", "--timeout", "30s",
                "--output", output.toString(), "--quiet"));
        Path log = output.resolve("client.log");
        Process client = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Duration bound = Duration.ofSeconds(warmupSeconds + durationSeconds + 60);
        if (!client.waitFor(bound.toSeconds(), TimeUnit.SECONDS)) {
            client.destroy();
            client.waitFor(15, TimeUnit.SECONDS);
            client.destroyForcibly();
            System.err.println("the client did not finish within " + bound.toSeconds() + " s; see " + log);
            return null;
        }
        if (client.exitValue() != 0) {
            System.err.println("the client exited with " + client.exitValue() + ": " + Files.readString(log));
            return null;
        }
        return ResultFiles.jsonMapper().readValue(output.resolve(ResultFiles.JSON_FILE).toFile(), ResultDocument.class);
    }

    private static void print(ResultDocument result, OracleModel model) throws DataFormatException {
        Histogram latency = result.histograms().get("latency").decode();
        Histogram uncorrected = result.histograms().get("latency_uncorrected").decode();
        System.out.printf(Locale.ROOT, "client: sent %,d, successful %,d, %s; client limit: %s%n",
                result.counts().sent(), result.counts().successful(), result.environment().transport(),
                result.clientLimit().limited() ? String.join("; ", result.clientLimit().reasons()) : "none");
        System.out.printf(Locale.ROOT, "%-24s %12s %12s %8s%n", "", "model", "client", "diff");
        rows("latency", latency, model.latency());
        rows("latency_uncorrected", uncorrected, model.uncorrected());
        long half = TimeUnit.MILLISECONDS.toMicros(500);
        System.out.printf(Locale.ROOT, "%-24s %12d %12d%n", "uncorrected > 0.5 s", above(model.uncorrected(), half),
                above(uncorrected, half));
        System.out.printf(Locale.ROOT, "%-24s %12d %12d%n", "latency > 0.5 s", above(model.latency(), half),
                above(latency, half));
    }

    private static void rows(String name, Histogram client, Histogram model) {
        for (double percentile : PERCENTILES) {
            long expected = percentile == 100 ? model.getMaxValue() : model.getValueAtPercentile(percentile);
            long actual = percentile == 100 ? client.getMaxValue() : client.getValueAtPercentile(percentile);
            String label = name + (percentile == 100 ? " max" : " p" + (percentile == Math.rint(percentile)
                    ? String.valueOf((long) percentile) : String.valueOf(percentile)));
            System.out.printf(Locale.ROOT, "%-24s %9.2f ms %9.2f ms %+7.1f%%%n", label, expected / 1e3, actual / 1e3,
                    (actual - expected) * 100.0 / expected);
        }
    }

    private static long above(Histogram micros, long thresholdMicros) {
        return micros.getTotalCount() - micros.getCountBetweenValues(0, thresholdMicros);
    }
}
