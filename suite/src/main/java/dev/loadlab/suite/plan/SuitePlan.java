package dev.loadlab.suite.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What one suite measures. Built with {@link #builder}, whose defaults are the default profile;
 * {@code RunSuiteCommand} validates what the user gave before it builds one, so a plan is always
 * valid. Written to {@code suite.json} as the suite's settings (without the two folders).
 *
 * @param phases              which phases run: {@code models}, {@code overload}, {@code strategies}, {@code jmh}
 * @param models              server models to compare: threads, virtual-threads, async
 * @param disciplines         lanes to compare under overload: fifo, lifo (adaptive-lifo, codel in --full)
 * @param modelDisciplines    lanes of the closed-loop comparison of models, where a lane rarely
 *                            queues (a closed loop below the workers never waits): fifo by default
 * @param concurrencies       closed-loop concurrency levels (the seed's comparison)
 * @param loadFractions       open-loop rates as fractions of each model's measured capacity
 * @param durationSeconds     measured seconds per run
 * @param warmupSeconds       unmeasured client seconds before each run's measured ones
 * @param serverWarmupSeconds an unmeasured load on every server the suite starts, so that no
 *                            figure includes its JIT compilation
 * @param balancerWarmupSeconds the same for the strategy study's balancer, one per set of backends,
 *                            which then runs every strategy in turn: it costs more per request
 *                            than a server, so it needs longer for as many requests
 * @param poolWorkers         --workers of the platform-thread server in the closed-loop comparison
 * @param permitWorkers       --workers of the virtual-thread and async servers there
 * @param overloadWorkers     --workers of every model in the overload runs, and of the backends
 *                            of the strategy study: the lane, not the CPU, is then the bottleneck
 * @param deadlineMillis      the client's deadline in the open-loop runs: its request timeout
 * @param repeats             how often each cell of the matrix runs: all cells once, then all again
 * @param waitQuietSeconds    before each run, wait up to this long for the machine to be quiet
 *                            (foreign CPU and steal under the disturbance limits); 0 never waits
 * @param balancerModel       the model of the strategy study's backends
 * @param instances           the strategy study's backends
 * @param strategies          the balancer's strategies the study compares
 * @param scenarios           what is wrong with one backend: even, one-slow, pause, kill
 * @param strategyLoadFractions open-loop rates of the study, as fractions of the capacity
 *                            measured through the balancer with even backends
 * @param slowdown            the {@code --slowdown} of the slow backend in {@code one-slow}
 * @param jmhInclude          the benchmarks JMH runs (its regular expression); empty for all
 * @param capacitySlo         the capacity searches' criterion: goodput within the deadline at least
 *                            this fraction of the offered requests (the client's {@code --slo-goodput})
 * @param serverNice          the niceness every server and balancer runs at (0..19), so that the
 *                            client, the instrument, gets a core first when they contend for one
 * @param clientRealtime      the client's open loops ask for real-time event loops (its {@code
 *                            --realtime}): their wake-ups then preempt the servers' threads; off by
 *                            default, as on a shared machine that changes the servers' figures
 * @param settleLimitSeconds  every warm-up goes on past its {@code serverWarmupSeconds} (or
 *                            {@code balancerWarmupSeconds}) while the JIT's compilers of the processes
 *                            it warms are busy, up to this many seconds in all; 0 keeps the fixed
 *                            warm-ups
 */
public record SuitePlan(
        @JsonIgnore Path home,
        @JsonIgnore Path outputDirectory,
        List<String> phases,
        List<String> models,
        List<String> disciplines,
        List<String> modelDisciplines,
        List<Integer> concurrencies,
        List<Double> loadFractions,
        int durationSeconds,
        int warmupSeconds,
        int serverWarmupSeconds,
        int balancerWarmupSeconds,
        int ioMillis,
        int cpuMillis,
        int poolWorkers,
        int permitWorkers,
        int overloadWorkers,
        int deadlineMillis,
        int repeats,
        int waitQuietSeconds,
        List<String> clientJvmOptions,
        List<String> serverJvmOptions,
        String balancerModel,
        int instances,
        List<String> strategies,
        List<String> scenarios,
        List<Double> strategyLoadFractions,
        int slowdown,
        String jmhInclude,
        double capacitySlo,
        int serverNice,
        boolean clientRealtime,
        int settleLimitSeconds) {

    /** The jar of a module, as the build leaves it. */
    public Path jar(String module) {
        return home.resolve(module).resolve("target").resolve(module + ".jar");
    }

    /** The --workers a model's server gets in the closed-loop comparison. */
    public int naturalWorkers(String model) {
        return model.equals("threads") ? poolWorkers : permitWorkers;
    }

    /** Whether a phase runs: it is asked for and has something to run. */
    public boolean runs(String phase) {
        if (!phases.contains(phase)) {
            return false;
        }
        return switch (phase) {
            case "models" -> !models.isEmpty() && !concurrencies.isEmpty() && !modelDisciplines.isEmpty();
            case "overload" -> !models.isEmpty() && !loadFractions.isEmpty() && !disciplines.isEmpty();
            case "strategies" -> instances > 0 && !strategies.isEmpty() && !scenarios.isEmpty()
                    && !strategyLoadFractions.isEmpty();
            case "jmh" -> true;
            default -> false;
        };
    }

    /** What every open-loop client command (a run or a capacity search) adds to its arguments. */
    public List<String> openLoopClientOptions() {
        return clientRealtime ? List.of("--realtime") : List.of();
    }

    /** A plan of the default profile, writing to {@code outputDirectory}, running {@code home}'s jars. */
    public static Builder builder(Path home, Path outputDirectory) {
        return new Builder(home, outputDirectory);
    }

    /** The default profile, changed one setting at a time. Not thread-safe. */
    public static final class Builder {
        private final Path home;
        private final Path outputDirectory;
        private List<String> phases = Catalog.DEFAULT_PHASES;
        private List<String> models = Catalog.MODELS;
        private List<String> disciplines = List.of("fifo", "lifo");
        private List<String> modelDisciplines = List.of("fifo");
        private List<Integer> concurrencies = List.of(10, 200);
        private List<Double> loadFractions = List.of(0.5, 1.2);
        private int durationSeconds = 2;
        private int warmupSeconds = 1;
        private int serverWarmupSeconds = 2;
        private int balancerWarmupSeconds = 6;
        private int ioMillis = 10;
        private int cpuMillis = 0;
        private int poolWorkers = 64;
        private int permitWorkers = 1_000;
        private int overloadWorkers = 16;
        private int deadlineMillis = 1_000;
        private int repeats = 3;
        private int waitQuietSeconds = 0;
        private List<String> clientJvmOptions = List.of("-XX:+UseSerialGC", "-Xms512m", "-Xmn256m",
                "-XX:TieredStopAtLevel=1");
        private List<String> serverJvmOptions = List.of("-Xms512m", "-Xmx2g");
        private int serverNice = 10;
        private boolean clientRealtime = false;
        private int settleLimitSeconds = 45;
        private String balancerModel = "async";
        private int instances = 4;
        private List<String> strategies = List.of("round-robin", "least-connections", "power-of-two",
                "peak-ewma");
        private List<String> scenarios = List.of("even", "one-slow");
        private List<Double> strategyLoadFractions = List.of(0.5);
        private int slowdown = 16;
        private String jmhInclude = "";
        private double capacitySlo = 0.99;

        private Builder(Path home, Path outputDirectory) {
            this.home = home.toAbsolutePath().normalize();
            this.outputDirectory = outputDirectory.toAbsolutePath().normalize();
        }

        public Builder phases(List<String> value) { phases = List.copyOf(value); return this; }
        public Builder models(List<String> value) { models = List.copyOf(value); return this; }
        public Builder disciplines(List<String> value) { disciplines = List.copyOf(value); return this; }
        public Builder modelDisciplines(List<String> value) { modelDisciplines = List.copyOf(value); return this; }
        public Builder concurrencies(List<Integer> value) { concurrencies = List.copyOf(value); return this; }
        public Builder loadFractions(List<Double> value) { loadFractions = List.copyOf(value); return this; }
        public Builder durationSeconds(int value) { durationSeconds = value; return this; }
        public Builder warmupSeconds(int value) { warmupSeconds = value; return this; }
        public Builder serverWarmupSeconds(int value) { serverWarmupSeconds = value; return this; }
        public Builder balancerWarmupSeconds(int value) { balancerWarmupSeconds = value; return this; }
        public Builder ioMillis(int value) { ioMillis = value; return this; }
        public Builder cpuMillis(int value) { cpuMillis = value; return this; }
        public Builder poolWorkers(int value) { poolWorkers = value; return this; }
        public Builder permitWorkers(int value) { permitWorkers = value; return this; }
        public Builder overloadWorkers(int value) { overloadWorkers = value; return this; }
        public Builder deadlineMillis(int value) { deadlineMillis = value; return this; }
        public Builder repeats(int value) { repeats = value; return this; }
        public Builder waitQuietSeconds(int value) { waitQuietSeconds = value; return this; }
        public Builder clientJvmOptions(List<String> value) { clientJvmOptions = List.copyOf(value); return this; }
        public Builder serverJvmOptions(List<String> value) { serverJvmOptions = List.copyOf(value); return this; }
        public Builder serverNice(int value) { serverNice = value; return this; }
        public Builder clientRealtime(boolean value) { clientRealtime = value; return this; }
        public Builder settleLimitSeconds(int value) { settleLimitSeconds = value; return this; }
        public Builder balancerModel(String value) { balancerModel = Objects.requireNonNull(value); return this; }
        public Builder instances(int value) { instances = value; return this; }
        public Builder strategies(List<String> value) { strategies = List.copyOf(value); return this; }
        public Builder scenarios(List<String> value) { scenarios = List.copyOf(value); return this; }
        public Builder strategyLoadFractions(List<Double> value) { strategyLoadFractions = List.copyOf(value); return this; }
        public Builder slowdown(int value) { slowdown = value; return this; }
        public Builder jmhInclude(String value) { jmhInclude = Objects.requireNonNull(value); return this; }
        public Builder capacitySlo(double value) { capacitySlo = value; return this; }

        public SuitePlan build() {
            return new SuitePlan(home, outputDirectory, phases, models, disciplines, modelDisciplines, concurrencies,
                    loadFractions, durationSeconds, warmupSeconds, serverWarmupSeconds, balancerWarmupSeconds, ioMillis, cpuMillis,
                    poolWorkers, permitWorkers, overloadWorkers, deadlineMillis, repeats, waitQuietSeconds,
                    clientJvmOptions, serverJvmOptions, balancerModel, instances, strategies, scenarios,
                    strategyLoadFractions, slowdown, jmhInclude, capacitySlo, serverNice, clientRealtime,
                    settleLimitSeconds);
        }
    }
}
