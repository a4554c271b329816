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
 * @param models              server models to compare: threads, virtual-threads, async
 * @param disciplines         lanes to compare under overload: fifo, lifo (adaptive-lifo, codel in --full)
 * @param modelDisciplines    lanes of the closed-loop comparison of models, where a lane rarely
 *                            queues (a closed loop below the workers never waits): fifo by default
 * @param concurrencies       closed-loop concurrency levels (the seed's comparison); empty skips it
 * @param loadFractions       open-loop rates as fractions of each model's measured capacity; empty skips it
 * @param durationSeconds     measured seconds per run
 * @param warmupSeconds       unmeasured client seconds before each run's measured ones
 * @param serverWarmupSeconds an unmeasured load on every server and balancer the suite starts,
 *                            so that no figure includes its JIT compilation
 * @param poolWorkers         --workers of the platform-thread server in the closed-loop comparison
 * @param permitWorkers       --workers of the virtual-thread and async servers there
 * @param overloadWorkers     --workers of every model in the overload runs: the lane, not the CPU,
 *                            is then the bottleneck, so the discipline decides who is served
 * @param deadlineMillis      the client's deadline in the overload runs: its request timeout
 * @param instances           backends behind the balancer; 0 skips the balancer phase
 * @param repeats             how often each cell of the matrix runs: all cells once, then all again
 * @param waitQuietSeconds    before each run, wait up to this long for the machine to be quiet
 *                            (foreign CPU and steal under the disturbance limits); 0 never waits
 */
public record SuitePlan(
        @JsonIgnore Path home,
        @JsonIgnore Path outputDirectory,
        List<String> models,
        List<String> disciplines,
        List<String> modelDisciplines,
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
        List<String> serverJvmOptions,
        int repeats,
        int waitQuietSeconds) {

    /** The jar of a module, as the build leaves it. */
    public Path jar(String module) {
        return home.resolve(module).resolve("target").resolve(module + ".jar");
    }

    /** The --workers a model's server gets in the closed-loop and balancer runs. */
    public int naturalWorkers(String model) {
        return model.equals("threads") ? poolWorkers : permitWorkers;
    }

    /** A plan of the default profile, writing to {@code outputDirectory}, running {@code home}'s jars. */
    public static Builder builder(Path home, Path outputDirectory) {
        return new Builder(home, outputDirectory);
    }

    /** The default profile, changed one setting at a time. Not thread-safe. */
    public static final class Builder {
        private final Path home;
        private final Path outputDirectory;
        private List<String> models = Catalog.MODELS;
        private List<String> disciplines = List.of("fifo", "lifo");
        private List<String> modelDisciplines = List.of("fifo");
        private List<Integer> concurrencies = List.of(10, 50, 200);
        private List<Double> loadFractions = List.of(0.5, 0.9, 1.2);
        private int durationSeconds = 3;
        private int warmupSeconds = 1;
        private int serverWarmupSeconds = 3;
        private int ioMillis = 10;
        private int cpuMillis = 0;
        private int poolWorkers = 64;
        private int permitWorkers = 1_000;
        private int overloadWorkers = 16;
        private int deadlineMillis = 1_000;
        private int instances = 2;
        private String strategy = "round-robin";
        private String balancerModel = "async";
        private int balancerConcurrency = 50;
        private List<String> clientJvmOptions = List.of("-XX:+UseSerialGC", "-Xms512m", "-Xmn256m",
                "-XX:TieredStopAtLevel=1");
        private List<String> serverJvmOptions = List.of("-Xms512m", "-Xmx2g");
        private int repeats = 3;
        private int waitQuietSeconds = 0;

        private Builder(Path home, Path outputDirectory) {
            this.home = home.toAbsolutePath().normalize();
            this.outputDirectory = outputDirectory.toAbsolutePath().normalize();
        }

        public Builder models(List<String> value) { models = List.copyOf(value); return this; }
        public Builder disciplines(List<String> value) { disciplines = List.copyOf(value); return this; }
        public Builder modelDisciplines(List<String> value) { modelDisciplines = List.copyOf(value); return this; }
        public Builder concurrencies(List<Integer> value) { concurrencies = List.copyOf(value); return this; }
        public Builder loadFractions(List<Double> value) { loadFractions = List.copyOf(value); return this; }
        public Builder durationSeconds(int value) { durationSeconds = value; return this; }
        public Builder warmupSeconds(int value) { warmupSeconds = value; return this; }
        public Builder serverWarmupSeconds(int value) { serverWarmupSeconds = value; return this; }
        public Builder ioMillis(int value) { ioMillis = value; return this; }
        public Builder cpuMillis(int value) { cpuMillis = value; return this; }
        public Builder poolWorkers(int value) { poolWorkers = value; return this; }
        public Builder permitWorkers(int value) { permitWorkers = value; return this; }
        public Builder overloadWorkers(int value) { overloadWorkers = value; return this; }
        public Builder deadlineMillis(int value) { deadlineMillis = value; return this; }
        public Builder instances(int value) { instances = value; return this; }
        public Builder strategy(String value) { strategy = Objects.requireNonNull(value); return this; }
        public Builder balancerModel(String value) { balancerModel = Objects.requireNonNull(value); return this; }
        public Builder balancerConcurrency(int value) { balancerConcurrency = value; return this; }
        public Builder clientJvmOptions(List<String> value) { clientJvmOptions = List.copyOf(value); return this; }
        public Builder serverJvmOptions(List<String> value) { serverJvmOptions = List.copyOf(value); return this; }
        public Builder repeats(int value) { repeats = value; return this; }
        public Builder waitQuietSeconds(int value) { waitQuietSeconds = value; return this; }

        public SuitePlan build() {
            return new SuitePlan(home, outputDirectory, models, disciplines, modelDisciplines, concurrencies,
                    loadFractions,
                    durationSeconds, warmupSeconds, serverWarmupSeconds, ioMillis, cpuMillis, poolWorkers,
                    permitWorkers, overloadWorkers, deadlineMillis, instances, strategy, balancerModel,
                    balancerConcurrency, clientJvmOptions, serverJvmOptions, repeats, waitQuietSeconds);
        }
    }
}
