package dev.loadlab.suite.run;

import dev.loadlab.suite.plan.SuitePlan;
import dev.loadlab.suite.results.RunRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The strategy study: which balancing strategy, when the backends are not equal. {@code instances}
 * backends of one model, with few workers each (so that a backend can be overloaded), behind the
 * balancer; an open loop with the client's deadline at fractions of the capacity measured through
 * the balancer with even backends; every strategy in every scenario:
 * <ul>
 *   <li>{@code even}: nothing wrong; shows the spread and what the proxy costs;</li>
 *   <li>{@code one-slow}: the first backend runs with {@code --slowdown}, a machine that many times slower;</li>
 *   <li>{@code pause}: the first backend is stopped (SIGSTOP) for 300 ms every 2 s;</li>
 *   <li>{@code kill}: the first backend is killed (SIGKILL) a third of the way in, started again at two thirds.</li>
 * </ul>
 * Each scenario's backends get one balancer per round, warmed up for {@code --balancer-warmup}
 * seconds by a closed loop as deep as the balancer's own limit (a closed loop slows down with a cold
 * JVM instead of burying it: an open loop at 80% of the capacity sent at a balancer just started
 * left it answering almost none of it for the whole run), which then runs every strategy in turn,
 * switched to a fresh instance before each run ({@link BalancerAdmin#switchTo}: no run inherits
 * another's rotation, probes, ejections or latency averages). A balancer started afresh for every
 * run, as before, carried its JIT compilation into the figures: after 2 s of warm-up the even
 * backends' p99 was 36 to 487 ms by strategy, after 8 s 15 to 27 ms. Each round puts the
 * strategies in a different order, so that none always runs first after the warm-up.
 *
 * <p>Threading: the suite's thread; faults run their schedules on their own.
 */
final class StrategyStudy {
    /** The key of the study's capacity in suite.json's capacities. */
    static final String CAPACITY_KEY = "balancer";

    private final SuitePlan plan;
    private final Launcher launcher;
    private final Measurer measurer;
    private final CapacitySearcher searcher;
    private final Progress progress;
    private final Map<String, Double> capacities;
    private final List<RunRecord> records;

    StrategyStudy(SuitePlan plan, Launcher launcher, Measurer measurer, CapacitySearcher searcher, Progress progress,
            Map<String, Double> capacities, List<RunRecord> records) {
        this.plan = plan;
        this.launcher = launcher;
        this.measurer = measurer;
        this.searcher = searcher;
        this.progress = progress;
        this.capacities = capacities;
        this.records = records;
    }

    static int runsPerRound(SuitePlan plan) {
        return plan.scenarios().size() * plan.strategies().size() * plan.strategyLoadFractions().size();
    }

    /** Backend sets started per round: one per scenario. */
    static int setupsPerRound(SuitePlan plan) {
        return plan.scenarios().size();
    }

    /**
     * The capacity through the balancer with even backends and round-robin, both warmed up first:
     * searched ({@link CapacitySearcher}) against the workers of all backends.
     */
    void measureCapacity() throws IOException, InterruptedException {
        List<ManagedProcess> backends = new ArrayList<>();
        try {
            long setupStart = System.nanoTime();
            startBackends("even", backends);
            ManagedProcess balancer = launcher.startBalancer("balancer-capacity", "round-robin", backends);
            try {
                int workers = backendWorkers();
                launcher.warmUp(balancer, withBackends(balancer, backends), balancerDepth(), plan.balancerWarmupSeconds());
                progress.setupDone((System.nanoTime() - setupStart) / 1e9);
                Optional<Double> capacity = searcher.search("strategies-capacity", "strategies-capacity",
                        new Measurer.Target(balancer, backends), Launcher.url(balancer.port(), "fifo"), workers,
                        run -> run.server(plan.balancerModel(), "fifo", plan.overloadWorkers())
                                .balancer(plan.instances(), "round-robin", "even", null));
                if (capacity.isPresent()) {
                    capacities.put(CAPACITY_KEY, capacity.get());
                    progress.note(String.format(Locale.ROOT, "  balancer capacity over %d %s backends of %d workers:"
                            + " %.0f requests/s", plan.instances(), plan.balancerModel(), plan.overloadWorkers(),
                            capacity.get()));
                } else {
                    progress.note("  strategies skipped: the capacity search through the balancer found no rate"
                            + " that passed");
                }
            } finally {
                launcher.stop(balancer);
            }
        } catch (ServerDidNotStart e) {
            progress.note("  strategies skipped: " + e.getMessage());
            records.add(RunRecord.skipped("strategies", plan.balancerModel(), e.getMessage()));
        } finally {
            backends.forEach(launcher::stop);
        }
    }

    void round(int round) throws IOException, InterruptedException {
        Double capacity = capacities.get(CAPACITY_KEY);
        if (capacity == null) {
            progress.runsSkipped(runsPerRound(plan));
            plan.scenarios().forEach(scenario -> progress.setupSkipped());
            return;
        }
        List<String> order = rotated(plan.strategies(), round - 1);
        for (String scenario : plan.scenarios()) {
            List<ManagedProcess> backends = new ArrayList<>();
            try {
                long setupStart = System.nanoTime();
                startBackends(scenario, backends);
                ManagedProcess balancer = launcher.startBalancer("balancer-" + scenario, order.getFirst(), backends);
                try {
                    launcher.warmUp(balancer, withBackends(balancer, backends), balancerDepth(),
                            plan.balancerWarmupSeconds());
                    progress.setupDone((System.nanoTime() - setupStart) / 1e9);
                    for (double fraction : plan.strategyLoadFractions()) {
                        for (String strategy : order) {
                            run(round, scenario, strategy, fraction, capacity, balancer, backends);
                        }
                    }
                } finally {
                    launcher.stop(balancer);
                }
            } catch (ServerDidNotStart e) {
                progress.note("  strategies " + scenario + " skipped: " + e.getMessage());
                records.add(RunRecord.skipped("strategies", plan.balancerModel() + "-" + scenario, e.getMessage()));
            } finally {
                backends.forEach(launcher::stop);
            }
        }
    }

    /** The list turned by {@code by} places: round 2 starts with the second strategy, and so on. */
    static List<String> rotated(List<String> list, int by) {
        List<String> turned = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            turned.add(list.get((i + by) % list.size()));
        }
        return turned;
    }

    private void run(int round, String scenario, String strategy, double fraction, double capacity,
            ManagedProcess balancer, List<ManagedProcess> backends)
            throws IOException, InterruptedException, ServerDidNotStart {
        long preparing = System.nanoTime();
        BalancerAdmin.switchTo(balancer.port(), strategy, backends.size());
        progress.preparation((System.nanoTime() - preparing) / 1e9);
        double rate = Math.max(1, Math.round(capacity * fraction));
        int connections = SuiteRunner.openLoopConnections(rate, plan.deadlineMillis());
        ManagedProcess faulty = backends.getFirst();
        RunRecord record = RunRecord.builder("strategies-" + scenario + "-" + strategy + "-"
                        + Math.round(fraction * 100) + "pct", "strategies").repeat(round)
                .server(plan.balancerModel(), "fifo", plan.overloadWorkers()).openLoop(rate, connections, fraction)
                .timeoutMillis(plan.deadlineMillis())
                .balancer(plan.instances(), strategy, scenario, scenario.equals("even") ? null : faulty.name())
                .build();
        Fault fault = switch (scenario) {
            case "pause" -> new PauseFault(faulty);
            case "kill" -> new KillFault(launcher, faulty);
            default -> Fault.NONE;
        };
        List<String> load = new ArrayList<>(List.of("--url", Launcher.url(balancer.port(), "fifo"),
                "--rate", String.valueOf(rate), "--connections", String.valueOf(connections),
                "--timeout", plan.deadlineMillis() + "ms"));
        load.addAll(plan.openLoopClientOptions());
        measurer.measure(record, new Measurer.Target(balancer, List.copyOf(backends)), load, fault);
        backends.set(0, fault.current(faulty));
        if (!backends.getFirst().alive()) {
            throw new ServerDidNotStart(faulty.name() + " is not running after the " + scenario + " run");
        }
    }

    /** The scenario's backends, {@code <model>-b1} first: the one a scenario slows, pauses or kills. */
    private void startBackends(String scenario, List<ManagedProcess> backends)
            throws IOException, InterruptedException, ServerDidNotStart {
        for (int i = 1; i <= plan.instances(); i++) {
            boolean slow = i == 1 && scenario.equals("one-slow");
            String name = plan.balancerModel() + "-b" + i + (slow ? "-slow" : "");
            backends.add(launcher.startServer(name, plan.balancerModel(), plan.overloadWorkers(),
                    slow ? List.of("--slowdown", String.valueOf(plan.slowdown())) : List.of()));
        }
    }

    /** The balancer and its backends: a warm-up through it warms them all, and waits for all their compilers. */
    private static List<ManagedProcess> withBackends(ManagedProcess balancer, List<ManagedProcess> backends) {
        List<ManagedProcess> all = new ArrayList<>(backends);
        all.addFirst(balancer);
        return all;
    }

    /** The workers of all backends together, from which the capacity search guesses its first rate. */
    private int backendWorkers() {
        return plan.instances() * plan.overloadWorkers();
    }

    /**
     * What the balancer can keep in flight to its backends: the depth of its warm-up, which thus
     * opens every connection of its pools and compiles their opening. A warm-up as deep as the
     * backends' workers (64) left the pools with about as many connections; the first open loop
     * then had the balancer open a thousand more in its first half second, fell behind, and
     * answered 75 of 1,600 requests in a step that passed at 1,550 (see the README).
     */
    private int balancerDepth() {
        return plan.instances() * Launcher.BALANCER_MAX_PER_BACKEND;
    }
}
