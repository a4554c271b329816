package dev.loadlab.client.suite;

import java.nio.file.Path;
import java.util.List;

/**
 * What one suite run measures, validated by {@link SuiteCommand}.
 *
 * @param models           server models to compare: threads, virtual-threads, async
 * @param disciplines      lanes to compare: fifo, lifo (adaptive-lifo, codel in --full)
 * @param concurrencies    closed-loop concurrency levels (the seed's comparison)
 * @param loadFractions    open-loop rates as fractions of each model's measured capacity
 * @param poolWorkers      --workers of the platform-thread server in the closed-loop comparison
 * @param permitWorkers    --workers of the virtual-thread and async servers there
 * @param overloadWorkers  --workers of every model in the overload runs: the lane, not the CPU,
 *                         is then the bottleneck, so the discipline decides who is served
 * @param deadlineMillis   the client's deadline in the overload runs: its request timeout
 * @param serverWarmupSeconds an unmeasured load on every server and balancer the suite starts,
 *                         so that no figure includes its JIT compilation
 * @param instances        backends behind the balancer
 */
record SuitePlan(
        Path home,
        Path outputDirectory,
        List<String> models,
        List<String> disciplines,
        List<Integer> concurrencies,
        List<Double> loadFractions,
        int durationSeconds,
        int warmupSeconds,
        int serverWarmupSeconds,
        int ioMillis,
        int cpuMillis,
        int poolWorkers,
        int permitWorkers,
        int overloadWorkers,
        int deadlineMillis,
        int instances,
        String strategy,
        String balancerModel,
        int balancerConcurrency,
        List<String> clientJvmOptions,
        List<String> serverJvmOptions) {

    /** The jar of a module, as the build leaves it. */
    Path jar(String module) {
        return home.resolve(module).resolve("target").resolve(module + ".jar");
    }

    /** The model's module: {@code threads} is served by {@code server-threads}. */
    static String module(String model) {
        return "server-" + model;
    }

    /** The work path of a discipline's lane. */
    static String path(String discipline) {
        return switch (discipline) {
            case "fifo", "lifo" -> "/api/process_" + discipline;
            default -> "/api/process/" + discipline;
        };
    }
}
