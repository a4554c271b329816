package dev.loadlab.client.suite;

/**
 * What the suite knows about one client run besides the client's own result: which phase and
 * setting it measured, the server's CPU over the client's measured window, and anything that
 * went wrong. Written to {@code suite.json}; the client's figures stay in {@code result_dir}.
 *
 * @param phase              {@code models} (closed loop per concurrency), {@code capacity},
 *                           {@code overload} (open loop at a fraction of capacity) or {@code balancer}
 * @param loadFraction       the open-loop rate as a fraction of the model's measured capacity
 * @param timeoutMillis      the client's per-request timeout: its deadline in the overload runs
 * @param serverCpuSeconds   CPU of the server (all backends, behind a balancer) over the measured window
 * @param balancerCpuSeconds CPU of the balancer over the measured window; null without one
 * @param resultDir          the client's output directory, relative to the suite's
 * @param note               what went wrong, or null
 */
public record RunRecord(
        String id,
        String phase,
        String model,
        String discipline,
        int workers,
        String mode,
        Integer concurrency,
        Double rateHz,
        Double loadFraction,
        Integer connections,
        int timeoutMillis,
        Integer instances,
        String strategy,
        Double serverCpuSeconds,
        Double balancerCpuSeconds,
        Integer clientExitCode,
        String resultDir,
        String note) {

    RunRecord withOutcome(Double serverCpu, Double balancerCpu, Integer exitCode, String failure) {
        return new RunRecord(id, phase, model, discipline, workers, mode, concurrency, rateHz, loadFraction,
                connections, timeoutMillis, instances, strategy, serverCpu, balancerCpu, exitCode, resultDir, failure);
    }
}
