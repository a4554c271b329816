package dev.loadlab.suite.results;

import java.util.Map;

/**
 * What the suite knows about one client run besides the client's own result: which phase and
 * setting it measured, the CPU of the processes it measured over the client's measured window,
 * and anything that went wrong. Written to {@code suite.json}; the client's figures stay in its
 * {@code result.json} under {@code resultDir}. Built with {@link #builder}; the outcome is added
 * once the run is over with {@link #withOutcome}.
 *
 * @param phase              {@code models} (closed loop per concurrency), {@code capacity},
 *                           {@code overload} (open loop at a fraction of capacity),
 *                           {@code strategies-capacity} or {@code strategies} (through the balancer)
 * @param mode               {@code closed} or {@code open}
 * @param loadFraction       the open-loop rate as a fraction of the model's measured capacity
 * @param timeoutMillis      the client's per-request timeout: its deadline in the overload runs
 * @param scenario           the strategy study's scenario: even, one-slow, pause, kill; null elsewhere
 * @param faultyBackend      the instance name of the backend the scenario slows, pauses or kills; null if none
 * @param serverCpuSeconds   CPU of the server (all backends, behind a balancer) over the measured window
 * @param balancerCpuSeconds CPU of the balancer over the measured window; null without one
 * @param resultDir          the client's output directory, relative to the suite's
 * @param routed             behind the balancer: the requests it sent each backend (by instance name)
 *                           during the run, the client's warm-up included, from its {@code /stats}
 *                           before and after (served, failed, or still in flight at the end); null elsewhere
 * @param machine            the machine over the measured window (busy, own, foreign, steal); null if unknown
 * @param note               what went wrong, or null
 */
public record RunRecord(
        String id,
        String cell,
        int repeat,
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
        String scenario,
        String faultyBackend,
        Double serverCpuSeconds,
        Double balancerCpuSeconds,
        Integer clientExitCode,
        String resultDir,
        Map<String, Long> routed,
        MachineShare machine,
        String note) {

    /** A run of {@code cell} in {@code phase}, whose client writes to {@code runs/<id>}. */
    public static Builder builder(String cell, String phase) {
        return new Builder(cell, phase);
    }

    /** A phase of a model that could not run at all (its server did not start): only a note. */
    public static RunRecord skipped(String phase, String model, String why) {
        String cell = phase + "-" + model + "-skipped";
        return new RunRecord(cell, cell, 1, phase, model, null, 0, null, null, null, null, null, 0, null, null, null,
                null, null, null, null, null, null, null, why);
    }

    public RunRecord withOutcome(Double serverCpu, Double balancerCpu, Integer exitCode,
            Map<String, Long> routedRequests, MachineShare machineShare, String failure) {
        return new RunRecord(id, cell, repeat, phase, model, discipline, workers, mode, concurrency, rateHz,
                loadFraction, connections, timeoutMillis, instances, strategy, scenario, faultyBackend, serverCpu,
                balancerCpu, exitCode, resultDir, routedRequests, machineShare, failure);
    }

    /** True when the machine was disturbed during the run (see {@link MachineShare}). */
    public boolean disturbed() {
        return machine != null && machine.disturbed();
    }

    /** The settings of one run, before it runs. Not thread-safe. */
    public static final class Builder {
        private final String cell;
        private final String phase;
        private int repeat = 1;
        private String model;
        private String discipline;
        private int workers;
        private String mode;
        private Integer concurrency;
        private Double rateHz;
        private Double loadFraction;
        private Integer connections;
        private int timeoutMillis;
        private Integer instances;
        private String strategy;
        private String scenario;
        private String faultyBackend;
        private String resultDir;

        private Builder(String cell, String phase) {
            this.cell = cell;
            this.phase = phase;
        }

        /** Which round of the matrix this run belongs to, from 1. */
        public Builder repeat(int repeat) {
            this.repeat = repeat;
            return this;
        }

        /** The server measured: its model, the lane's discipline, and its --workers. */
        public Builder server(String model, String discipline, int workers) {
            this.model = model;
            this.discipline = discipline;
            this.workers = workers;
            return this;
        }

        /** A closed loop of {@code concurrency} clients. */
        public Builder closedLoop(int concurrency) {
            this.mode = "closed";
            this.concurrency = concurrency;
            return this;
        }

        /** An open loop at {@code rateHz} over {@code connections}, a {@code loadFraction} of capacity. */
        public Builder openLoop(double rateHz, int connections, double loadFraction) {
            this.mode = "open";
            this.rateHz = rateHz;
            this.connections = connections;
            this.loadFraction = loadFraction;
            return this;
        }

        /** The client's per-request timeout. */
        public Builder timeoutMillis(int timeoutMillis) {
            this.timeoutMillis = timeoutMillis;
            return this;
        }

        /**
         * Measured through the balancer, over {@code instances} backends, with {@code strategy}, in
         * {@code scenario}, where {@code faultyBackend} (or none, null) is the one that misbehaves.
         */
        public Builder balancer(int instances, String strategy, String scenario, String faultyBackend) {
            this.instances = instances;
            this.strategy = strategy;
            this.scenario = scenario;
            this.faultyBackend = faultyBackend;
            return this;
        }

        /** Where the client wrote this run's files, relative to the suite's folder (default: {@code runs/<id>}). */
        public Builder resultDir(String dir) {
            this.resultDir = dir;
            return this;
        }

        public RunRecord build() {
            String id = cell + "-r" + repeat;
            return new RunRecord(id, cell, repeat, phase, model, discipline, workers, mode, concurrency, rateHz,
                    loadFraction, connections, timeoutMillis, instances, strategy, scenario, faultyBackend, null,
                    null, null, resultDir != null ? resultDir : "runs/" + id, null, null, null);
        }
    }
}
