package dev.loadlab.suite.run;

import dev.loadlab.suite.plan.SuitePlan;
import dev.loadlab.suite.results.JmhRecord;
import dev.loadlab.suite.results.MachineShare;
import dev.loadlab.suite.results.RunRecord;
import dev.loadlab.suite.results.SuiteEnvironment;
import dev.loadlab.suite.results.SuiteResults;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the comparison: starts every server and balancer jar as its own process, and the client
 * jar as one process that runs every client command in turn ({@link BatchClient}), so that each
 * one's CPU is its own and what is measured is exactly what ships; measures the CPU of each
 * process and of the whole machine over each client run's measured window, and stops everything
 * it started, on success, failure and Ctrl-C alike. It writes the runs' files and
 * {@code suite.json}; the report is written from those afterwards.
 *
 * <p>Order. First the capacities, once: each model's with the overload phase's few workers, and
 * the balancer's over even backends. Then the matrix, {@code repeats} times over,
 * <b>interleaved</b>: every cell once, then every cell again, so that a disturbance or a drift
 * of the machine spreads over all cells instead of landing on one. Each round starts its servers
 * afresh. Within a round, phase by phase:
 * <ol>
 *   <li>{@code models}: each model with its natural worker count (a bounded platform pool; many
 *       permits for virtual threads and async), closed loop at each concurrency;
 *   <li>{@code overload}: each model with few workers, so that its lane is the bottleneck, open
 *       loops at fractions of its capacity with a client deadline, per discipline;
 *   <li>{@code strategies}: the {@link StrategyStudy}.
 * </ol>
 * Then, once, {@code jmh}: the {@link JmhPhase}.
 * A server that dies is reported in the run's note and the suite goes on with the next model.
 *
 * <p>Disturbance. For every run the machine's CPU over exactly the measured window is split into
 * the suite's own processes' and the rest (foreign); see {@link MachineShare}. With
 * {@code waitQuietSeconds}, each run first waits (up to that long) for the machine to be quiet.
 *
 * <p>Threading: one thread runs the suite; {@link CpuSampler} samples on its own.
 */
public final class SuiteRunner {
    private final SuitePlan plan;
    private final PrintStream out;
    private final boolean terminal;
    private final SuiteListener listener;
    private final List<RunRecord> records;
    private final Map<String, Double> capacities = new LinkedHashMap<>();
    private Launcher launcher;
    private Measurer measurer;
    private CapacitySearcher searcher;
    private Progress progress;

    /** A runner that shows a live line when {@code out} is this process's terminal. */
    public SuiteRunner(SuitePlan plan, PrintStream out) {
        this(plan, out, SuiteListener.NONE);
    }

    /** As {@link #SuiteRunner(SuitePlan, PrintStream)}, telling {@code listener} what it does. */
    public SuiteRunner(SuitePlan plan, PrintStream out, SuiteListener listener) {
        this(plan, out, out == System.out && Progress.stdoutIsTerminal(), listener);
    }

    SuiteRunner(SuitePlan plan, PrintStream out, boolean terminal) {
        this(plan, out, terminal, SuiteListener.NONE);
    }

    private SuiteRunner(SuitePlan plan, PrintStream out, boolean terminal, SuiteListener listener) {
        this.plan = plan;
        this.out = out;
        this.terminal = terminal;
        this.listener = listener;
        this.records = new ListenedRecords(listener);
    }

    /** Runs the whole plan and writes every run's files and suite.json. */
    public void run() throws IOException, InterruptedException {
        Path logs = plan.outputDirectory().resolve("logs");
        Files.createDirectories(plan.outputDirectory().resolve("runs"));
        Files.createDirectories(logs);
        SuiteEnvironment environment = SuiteEnvironment.capture(plan.home());
        out.printf("loadlab suite: writing %s%n", plan.outputDirectory());
        listener.suiteStarted(environment, plan);
        MachineShare atStart;
        JmhRecord jmh = null;
        try (CpuSampler sampler = new CpuSampler(); Launcher started = new Launcher(plan, logs, sampler)) {
            progress = new Progress(out, terminal, plannedRuns(), plannedSetups(),
                    plan.warmupSeconds() + plan.durationSeconds(), plan.serverWarmupSeconds());
            launcher = started;
            measurer = new Measurer(plan, launcher, sampler, progress, records);
            searcher = new CapacitySearcher(plan, launcher, measurer, progress, records);
            StrategyStudy study = new StrategyStudy(plan, launcher, measurer, searcher, progress, capacities, records);
            atStart = machineAtStart();
            if (plan.runs("overload")) {
                capacityPhase();
            }
            if (plan.runs("strategies")) {
                study.measureCapacity();
            }
            for (int round = 1; round <= plan.repeats(); round++) {
                if (plan.runs("models")) {
                    modelsPhase(round);
                }
                if (plan.runs("overload")) {
                    overloadPhase(round);
                }
                if (plan.runs("strategies")) {
                    study.round(round);
                }
            }
            launcher.close(); // no client process idles beside JMH's
            if (plan.runs("jmh")) {
                jmh = new JmhPhase(plan, measurer, progress).run();
            }
            progress.finish();
        }
        SuiteResults.SuiteFile suite = new SuiteResults.SuiteFile(SuiteResults.SUITE_VERSION,
                Instant.now().toString(), environment, plan, atStart, capacities, records, jmh, launcher.warmUps());
        SuiteResults.writeSuite(plan.outputDirectory(), suite);
        listener.suiteFinished(suite);
    }

    private int plannedRuns() {
        int models = plan.models().size();
        int perRound = 0;
        int once = 0;
        if (plan.runs("models")) {
            perRound += models * plan.modelDisciplines().size() * plan.concurrencies().size();
        }
        if (plan.runs("overload")) {
            perRound += models * plan.disciplines().size() * plan.loadFractions().size();
            once += models;
        }
        if (plan.runs("strategies")) {
            perRound += StrategyStudy.runsPerRound(plan);
            once += 1;
        }
        return perRound * plan.repeats() + once;
    }

    private int plannedSetups() {
        int models = plan.models().size();
        int perRound = (plan.runs("models") ? models : 0) + (plan.runs("overload") ? models : 0)
                + (plan.runs("strategies") ? StrategyStudy.setupsPerRound(plan) : 0);
        return perRound * plan.repeats() + (plan.runs("overload") ? models : 0) + (plan.runs("strategies") ? 1 : 0);
    }

    /** One second of the machine before anything starts; says so when it is already busy. */
    private MachineShare machineAtStart() throws InterruptedException {
        MachineShare share = measurer.lastSecond().orElse(null);
        if (share != null && share.disturbed()) {
            progress.note(String.format(Locale.ROOT, "  ⚠ the machine is busy before the suite starts: %s;"
                    + " runs it disturbs are marked and repeated runs left out of medians", share.disturbance()));
        }
        return share;
    }

    private void modelsPhase(int round) throws IOException, InterruptedException {
        for (String model : plan.models()) {
            int workers = plan.naturalWorkers(model);
            int runs = plan.modelDisciplines().size() * plan.concurrencies().size();
            Optional<ManagedProcess> started = startWarmServer(model + "-models", model, workers, "models", runs);
            if (started.isEmpty()) {
                continue;
            }
            ManagedProcess server = started.get();
            try {
                int left = runs;
                runs:
                for (String discipline : plan.modelDisciplines()) {
                    for (int concurrency : plan.concurrencies()) {
                        RunRecord record = RunRecord.builder("models-" + model + "-" + discipline + "-c" + concurrency,
                                        "models").repeat(round)
                                .server(model, discipline, workers).closedLoop(concurrency)
                                .timeoutMillis(Launcher.CLOSED_LOOP_TIMEOUT_MILLIS).build();
                        left--;
                        measurer.measure(record, Measurer.Target.server(server),
                                Launcher.closedLoop(server.port(), discipline, concurrency), Fault.NONE);
                        if (!server.alive()) {
                            progress.runsSkipped(left);
                            break runs;
                        }
                    }
                }
            } finally {
                launcher.stop(server);
            }
        }
    }

    /** Each model's capacity with the overload phase's few workers, searched once before the rounds. */
    private void capacityPhase() throws IOException, InterruptedException {
        for (String model : plan.models()) {
            int workers = plan.overloadWorkers();
            Optional<ManagedProcess> started = startWarmServer(model + "-capacity", model, workers, "capacity", 1);
            if (started.isEmpty()) {
                continue;
            }
            ManagedProcess server = started.get();
            try {
                Optional<Double> capacity = searcher.search("capacity-" + model, "capacity", Measurer.Target.server(server),
                        Launcher.url(server.port(), "fifo"), workers, run -> run.server(model, "fifo", workers));
                if (capacity.isEmpty()) {
                    progress.note("  overload " + model + " skipped: its capacity search found no rate that passed");
                    continue;
                }
                capacities.put(model, capacity.get());
                progress.note(String.format(Locale.ROOT, "  %s capacity with %d workers: %.0f requests/s", model,
                        workers, capacity.get()));
            } finally {
                launcher.stop(server);
            }
        }
    }

    private void overloadPhase(int round) throws IOException, InterruptedException {
        for (String model : plan.models()) {
            int workers = plan.overloadWorkers();
            int runs = plan.disciplines().size() * plan.loadFractions().size();
            Double capacity = capacities.get(model);
            if (capacity == null) {
                progress.setupSkipped();
                progress.runsSkipped(runs);
                continue;
            }
            Optional<ManagedProcess> started = startWarmServer(model + "-overload", model, workers, "overload", runs);
            if (started.isEmpty()) {
                continue;
            }
            ManagedProcess server = started.get();
            try {
                runOverload(model, server, workers, capacity, round);
            } finally {
                launcher.stop(server);
            }
        }
    }

    private void runOverload(String model, ManagedProcess server, int workers, double capacity, int round)
            throws IOException, InterruptedException {
        int left = plan.disciplines().size() * plan.loadFractions().size();
        for (String discipline : plan.disciplines()) {
            for (double fraction : plan.loadFractions()) {
                double rate = Math.max(1, Math.round(capacity * fraction));
                int connections = openLoopConnections(rate, plan.deadlineMillis());
                RunRecord record = RunRecord.builder("overload-" + model + "-" + discipline + "-"
                                + Math.round(fraction * 100) + "pct", "overload").repeat(round)
                        .server(model, discipline, workers).openLoop(rate, connections, fraction)
                        .timeoutMillis(plan.deadlineMillis()).build();
                List<String> load = new ArrayList<>(List.of("--url", Launcher.url(server.port(), discipline),
                        "--rate", String.valueOf(rate), "--connections", String.valueOf(connections),
                        "--timeout", plan.deadlineMillis() + "ms"));
                load.addAll(plan.openLoopClientOptions());
                left--;
                measurer.measure(record, Measurer.Target.server(server), load, Fault.NONE);
                if (!server.alive()) {
                    progress.runsSkipped(left);
                    return;
                }
            }
        }
    }

    /**
     * Enough open-loop connections that the client's own queue never holds what the server
     * should: every request of one deadline's worth at this rate, half as many again, and a few.
     */
    static int openLoopConnections(double rateHz, int deadlineMillis) {
        return (int) Math.min(10_000, Math.ceil(rateHz * deadlineMillis / 1000.0 * 1.5) + 16);
    }

    /** Starts a model's server and warms it up; on failure notes the phase skipped for that model. */
    private Optional<ManagedProcess> startWarmServer(String name, String model, int workers, String phase, int runs)
            throws IOException, InterruptedException {
        long setupStart = System.nanoTime();
        ManagedProcess server;
        try {
            server = launcher.startServer(name, model, workers, List.of());
        } catch (ServerDidNotStart e) {
            progress.note("  " + phase + " " + model + " skipped: " + e.getMessage());
            progress.setupSkipped();
            progress.runsSkipped(runs);
            records.add(RunRecord.skipped(phase, model, e.getMessage()));
            return Optional.empty();
        }
        launcher.warmUp(server);
        progress.setupDone((System.nanoTime() - setupStart) / 1e9);
        return Optional.of(server);
    }
}
