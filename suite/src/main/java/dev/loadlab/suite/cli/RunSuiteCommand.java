package dev.loadlab.suite.cli;

import dev.loadlab.suite.history.HistoryRecorder;
import dev.loadlab.suite.history.HistoryReport;
import dev.loadlab.suite.history.HistoryStore;
import dev.loadlab.suite.plan.Catalog;
import dev.loadlab.suite.plan.SuitePlan;
import dev.loadlab.suite.report.ReportAddendum;
import dev.loadlab.suite.report.ReportWriter;
import dev.loadlab.suite.results.SuiteResults;
import dev.loadlab.suite.run.SuiteListener;
import dev.loadlab.suite.run.SuiteRunner;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code suite run}: the full comparison that {@code ./run_tests.sh} runs. Every option is checked
 * here, with a message naming the allowed range, before the plan is built.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Runs the comparison: every model x lane x load, and every balancing strategy in every scenario,",
            "starting and stopping every server, balancer and client jar itself, each cell --repeats times,",
            "interleaved, and writes results/<timestamp>/ with each run's files, results.csv, report.md and",
            "report.html. Loopback only. The default profile took 7 min 21 s on 2 cores (82 runs: 2 s",
            "after 1 s of warm-up, 3 repeats; shortened to concurrency 10,200, loads 50,120, the fifo lane",
            "only in the closed loop, 4 strategies (no prequal) in 2 scenarios at one load, switched in",
            "turn on one balancer per scenario warmed up 6 s; one client process runs them all); --full",
            "is the thorough one. Options given override the profile."
        })
public final class RunSuiteCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--full", description = "The thorough profile: all lanes, strategies and scenarios, more"
            + " concurrency levels and loads, 15 s runs, 5 repeats.")
    private boolean full;

    @Option(names = "--phases", split = ",", paramLabel = "P",
            description = "models, overload, strategies, jmh (default: the first three).")
    private List<String> phases;

    @Option(names = "--jmh", description = "Also run JMH's quick profile of the components (about 5 minutes), after the load phases.")
    private boolean jmh;

    @Option(names = "--jmh-only", description = "Run only JMH's quick profile of the components: --phases jmh.")
    private boolean jmhOnly;

    @Option(names = "--jmh-include", paramLabel = "REGEX",
            description = "The benchmarks JMH runs, as JMH's own regular expression (default: all).")
    private String jmhInclude = "";

    @Option(names = "--home", paramLabel = "DIR", description = "The loadlab checkout whose jars to run (default: the one this suite was built in).")
    private Path home;

    @Option(names = "--output", paramLabel = "DIR", description = "Where to write (default: <home>/results/<timestamp>).")
    private Path output;

    @Option(names = "--models", split = ",", paramLabel = "M", description = "threads, virtual-threads, async (default: all).")
    private List<String> models;

    @Option(names = "--disciplines", split = ",", paramLabel = "D",
            description = "Lanes compared under overload: fifo, lifo, adaptive-lifo, codel (default: fifo,lifo; --full: all).")
    private List<String> disciplines;

    @Option(names = "--model-disciplines", split = ",", paramLabel = "D",
            description = "Lanes of the closed-loop comparison of models, where lanes rarely queue (default: fifo; --full: as --disciplines).")
    private List<String> modelDisciplines;

    @Option(names = "--repeats", paramLabel = "N",
            description = "Runs of every cell, interleaved: the whole matrix once, then again, 1..100 (default: 3; --full: 5).")
    private Integer repeats;

    @Option(names = "--wait-quiet", paramLabel = "S",
            description = "Before each run, wait up to S seconds for the rest of the machine to use under a tenth of a core"
                    + " and steal under 5%%, 0..3600 (default: 0, never wait).")
    private int waitQuietSeconds;

    @Option(names = "--concurrency", split = ",", paramLabel = "C", description = "Closed-loop levels; 'none' to skip (default: 10,200; --full: 1,10,50,100,200,500).")
    private List<String> concurrency;

    @Option(names = "--loads", split = ",", paramLabel = "PCT", description = "Open-loop rates in %% of measured capacity; 'none' to skip (default: 50,120; --full: 50,75,90,100,120,150).")
    private List<String> loads;

    @Option(names = "--duration", paramLabel = "S", description = "Seconds measured per run, 1..3600 (default: 2; --full: 15).")
    private Integer duration;

    @Option(names = "--warmup", paramLabel = "S", description = "Seconds of client warm-up before each run, 0..600 (default: 1; --full: 5).")
    private Integer warmup;

    @Option(names = "--server-warmup", paramLabel = "S",
            description = "Seconds of unmeasured load on every server it starts, 0..600 (default: 2; --full: 10).")
    private Integer serverWarmup;

    @Option(names = "--balancer-warmup", paramLabel = "S",
            description = "Seconds of unmeasured load on the strategy study's balancer, one per set of backends, before it"
                    + " runs every strategy in turn, 0..600 (default: 6; --full: 10).")
    private Integer balancerWarmup;

    @Option(names = "--settle-limit", paramLabel = "S",
            description = "Warm-ups go on past --server-warmup and --balancer-warmup, 2 s at a time, while the JIT's"
                    + " compiler threads of the processes they warm use more than 0.1 core, up to S s of warm-up in"
                    + " all; 0 keeps the warm-ups fixed, 0..600 (default: 45).")
    private int settleLimit = 45;

    @Option(names = "--io-ms", paramLabel = "MS", description = "io_ms of every request, 0..60000 (default: ${DEFAULT-VALUE}).")
    private int ioMillis = 10;

    @Option(names = "--cpu-ms", paramLabel = "MS", description = "cpu_ms of every request, 0..10000 (default: ${DEFAULT-VALUE}).")
    private int cpuMillis = 0;

    @Option(names = "--deadline-ms", paramLabel = "MS", description = "The client's deadline (its timeout) in the open-loop runs (default: ${DEFAULT-VALUE}).")
    private int deadlineMillis = 1_000;

    @Option(names = "--capacity-slo", paramLabel = "FRACTION", description = "The capacity searches' criterion:"
            + " a rate passes when goodput within --deadline-ms is at least this fraction of the requests offered and"
            + " the client was not the limit, in (0, 1] (default: ${DEFAULT-VALUE}). Each search (one per model, one"
            + " through the balancer) runs at most 8 steps of 1 s after 0.5 s of warm-up, doubling from a quarter of the"
            + " lanes' limit (workers x 1000 / (io_ms + cpu_ms), for CPU work at most cores x 1000 / cpu_ms), then bisecting to 5%%: at most about 20 s.")
    private double capacitySlo = 0.99;

    @Option(names = "--pool-workers", paramLabel = "N", description = "--workers of server-threads in the closed-loop runs (default: ${DEFAULT-VALUE}).")
    private int poolWorkers = 64;

    @Option(names = "--permit-workers", paramLabel = "N", description = "--workers of the virtual-thread and async servers there (default: ${DEFAULT-VALUE}).")
    private int permitWorkers = 1_000;

    @Option(names = "--overload-workers", paramLabel = "N", description = "--workers of every model in the overload runs and of the"
            + " strategy study's backends (default: ${DEFAULT-VALUE}).")
    private int overloadWorkers = 16;

    @Option(names = "--instances", paramLabel = "N", description = "Backends behind the balancer in the strategy study, 1..16 (default: ${DEFAULT-VALUE}).")
    private int instances = 4;

    @Option(names = "--balancer-model", paramLabel = "M", description = "The model of those backends (default: ${DEFAULT-VALUE}).")
    private String balancerModel = "async";

    @Option(names = "--strategies", split = ",", paramLabel = "S",
            description = "Strategies compared (default: round-robin,least-connections,power-of-two,peak-ewma; --full: all).")
    private List<String> strategies;

    @Option(names = "--scenarios", split = ",", paramLabel = "S",
            description = "even, one-slow, pause, kill (default: even,one-slow; --full: all).")
    private List<String> scenarios;

    @Option(names = "--strategy-loads", split = ",", paramLabel = "PCT",
            description = "Open-loop rates of the strategy study in %% of the capacity through the balancer (default: 50; --full: 50,80,95).")
    private List<String> strategyLoads;

    @Option(names = "--slowdown", paramLabel = "F", description = "--slowdown of the slow backend in one-slow, 2..100 (default: ${DEFAULT-VALUE}).")
    private int slowdown = 16;

    @Option(names = "--client-jvm-options", paramLabel = "OPTS", description = "JVM options of the client process, which runs every client run in turn (default: '${DEFAULT-VALUE}').")
    private String clientJvmOptions = "-XX:+UseSerialGC -Xms512m -Xmn256m -XX:TieredStopAtLevel=1";

    @Option(names = "--history", paramLabel = "FILE",
            description = "The results history this suite is added to (default: <home>/results/history.db).")
    private Path history;

    @Option(names = "--no-history", description = "Add nothing to the results history.")
    private boolean noHistory;

    @Option(names = "--server-jvm-options", paramLabel = "OPTS", description = "JVM options of each server and balancer (default: '${DEFAULT-VALUE}').")
    private String serverJvmOptions = "-Xms512m -Xmx2g";

    @Option(names = "--server-nice", paramLabel = "N",
            description = "Niceness of every server and balancer, 0..19, so that the client wins each contest for a core"
                    + " and keeps its timetable (default: ${DEFAULT-VALUE}; 0: as the suite's own).")
    private int serverNice = 10;

    @Option(names = "--client-realtime",
            description = "Run the client's event loops at real-time priority in every open loop (its --realtime:"
                    + " SCHED_FIFO 1, needs CAP_SYS_NICE; refused, a run says so and goes on): they keep the"
                    + " timetable better, and on cores shared with the servers slow the servers down (default: off).")
    private boolean clientRealtime;

    @Override
    public Integer call() throws IOException, InterruptedException {
        SuitePlan plan = plan();
        PrintStream out = System.out;
        HistoryRecorder recorder = openHistory(plan);
        SuiteResults results;
        try {
            try {
                new SuiteRunner(plan, out, recorder == null ? SuiteListener.NONE : recorder).run();
            } catch (IOException | InterruptedException | RuntimeException e) {
                if (recorder != null) {
                    recorder.abandoned();
                }
                throw e;
            }
            results = SuiteResults.load(plan.outputDirectory());
            ReportWriter.writeAll(results, recorder == null ? ReportAddendum.NONE
                    : HistoryReport.orNothing(recorder.store(), results, out));
        } finally {
            if (recorder != null) {
                recorder.close();
            }
        }
        out.println();
        out.print(ReportWriter.summary(results));
        out.printf("%nreport: %s%n        %s%n", plan.outputDirectory().resolve(ReportWriter.MARKDOWN_FILE),
                plan.outputDirectory().resolve(ReportWriter.HTML_FILE));
        return 0;
    }

    /**
     * The history this suite is recorded in, opened before it starts (a file that cannot be opened
     * is a usage error); null with {@code --no-history}.
     */
    private HistoryRecorder openHistory(SuitePlan plan) {
        if (noHistory) {
            if (history != null) {
                throw new ParameterException(spec.commandLine(), "--no-history excludes --history");
            }
            return null;
        }
        Path file = history != null ? history : plan.home().resolve("results").resolve(HistoryStore.DEFAULT_FILE);
        try {
            return HistoryRecorder.open(file, profile(), System.out);
        } catch (SQLException e) {
            throw new ParameterException(spec.commandLine(), "--history: cannot open " + file + ": " + e.getMessage());
        }
    }

    /** The options given, as the history's profile: {@code default}, {@code full}, then any others. */
    private String profile() {
        StringBuilder profile = new StringBuilder(full ? "full" : "default");
        ParseResult parsed = spec.commandLine().getParseResult();
        for (OptionSpec option : parsed.matchedOptions()) {
            String name = option.longestName();
            if (List.of("--full", "--home", "--output", "--history", "--no-history").contains(name)) {
                continue;
            }
            profile.append(' ').append(name);
            option.originalStringValues().stream().filter(value -> !value.isEmpty() && option.arity().max() > 0)
                    .forEach(value -> profile.append(' ').append(value));
        }
        return profile.toString();
    }

    /** The plan the options describe, every option checked; a missing jar is a usage error too. */
    SuitePlan plan() {
        Path checkout = home != null ? home : defaultHome();
        List<String> modelList = models != null ? models : Catalog.MODELS;
        modelList.forEach(m -> requireOneOf(m, Catalog.MODELS, "--models"));
        List<String> disciplineList = disciplines != null ? disciplines
                : full ? Catalog.DISCIPLINES : List.of("fifo", "lifo");
        disciplineList.forEach(d -> requireOneOf(d, Catalog.DISCIPLINES, "--disciplines"));
        List<String> modelDisciplineList = modelDisciplines != null ? modelDisciplines
                : full ? disciplineList : List.of("fifo");
        modelDisciplineList.forEach(d -> requireOneOf(d, Catalog.DISCIPLINES, "--model-disciplines"));
        if (jmhOnly && (phases != null || jmh)) {
            throw new ParameterException(spec.commandLine(), "--jmh-only runs JMH alone: it excludes --phases and --jmh");
        }
        List<String> phaseList = new ArrayList<>(jmhOnly ? List.of("jmh") : phases != null ? phases : Catalog.DEFAULT_PHASES);
        if (jmh && !phaseList.contains("jmh")) {
            phaseList.add("jmh");
        }
        phaseList.forEach(p -> requireOneOf(p, Catalog.PHASES, "--phases"));
        requireOneOf(balancerModel, Catalog.MODELS, "--balancer-model");
        List<String> strategyList = strategies != null ? strategies : full ? Catalog.STRATEGIES
                : List.of("round-robin", "least-connections", "power-of-two", "peak-ewma");
        strategyList.forEach(st -> requireOneOf(st, Catalog.STRATEGIES, "--strategies"));
        List<String> scenarioList = scenarios != null ? scenarios : full ? Catalog.SCENARIOS : List.of("even", "one-slow");
        scenarioList.forEach(sc -> requireOneOf(sc, Catalog.SCENARIOS, "--scenarios"));
        List<Double> strategyFractions = numbers(strategyLoads, full ? "50,80,95" : "50", "--strategy-loads", 1, 1_000)
                .stream().map(pct -> pct / 100.0).toList();
        List<Integer> levels = numbers(concurrency, full ? "1,10,50,100,200,500" : "10,200", "--concurrency", 1, 100_000);
        List<Double> fractions = numbers(loads, full ? "50,75,90,100,120,150" : "50,120", "--loads", 1, 1_000)
                .stream().map(pct -> pct / 100.0).toList();
        Path out = output != null ? output : checkout.resolve("results")
                .resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        SuitePlan plan = SuitePlan.builder(checkout, out)
                .models(modelList).disciplines(disciplineList).modelDisciplines(modelDisciplineList)
                .concurrencies(levels).loadFractions(fractions)
                .repeats(range(repeats != null ? repeats : full ? 5 : 3, 1, 100, "--repeats"))
                .waitQuietSeconds(range(waitQuietSeconds, 0, 3600, "--wait-quiet"))
                .phases(phaseList)
                .durationSeconds(range(duration != null ? duration : full ? 15 : 2, 1, 3600, "--duration"))
                .warmupSeconds(range(warmup != null ? warmup : full ? 5 : 1, 0, 600, "--warmup"))
                .serverWarmupSeconds(range(serverWarmup != null ? serverWarmup : full ? 10 : 2, 0, 600, "--server-warmup"))
                .balancerWarmupSeconds(range(balancerWarmup != null ? balancerWarmup : full ? 10 : 6, 0, 600,
                        "--balancer-warmup"))
                .settleLimitSeconds(range(settleLimit, 0, 600, "--settle-limit"))
                .ioMillis(range(ioMillis, 0, 60_000, "--io-ms"))
                .cpuMillis(range(cpuMillis, 0, 10_000, "--cpu-ms"))
                .deadlineMillis(range(deadlineMillis, 1, 600_000, "--deadline-ms"))
                .capacitySlo(fraction(capacitySlo, "--capacity-slo"))
                .poolWorkers(range(poolWorkers, 1, 100_000, "--pool-workers"))
                .permitWorkers(range(permitWorkers, 1, 100_000, "--permit-workers"))
                .overloadWorkers(range(overloadWorkers, 1, 100_000, "--overload-workers"))
                .instances(range(instances, 1, 16, "--instances")).balancerModel(balancerModel)
                .strategies(strategyList).scenarios(scenarioList).strategyLoadFractions(strategyFractions)
                .slowdown(range(slowdown, 2, 100, "--slowdown"))
                .jmhInclude(validRegex(jmhInclude))
                .clientJvmOptions(words(clientJvmOptions)).serverJvmOptions(words(serverJvmOptions))
                .serverNice(range(serverNice, 0, 19, "--server-nice"))
                .clientRealtime(clientRealtime)
                .build();
        for (String module : jarsNeeded(plan)) {
            if (!Files.isRegularFile(plan.jar(module))) {
                throw new ParameterException(spec.commandLine(), plan.jar(module) + " is missing: build first"
                        + " (mvn -B -q package -DskipTests in " + plan.home() + "), or give --home");
            }
        }
        return plan;
    }

    private static List<String> jarsNeeded(SuitePlan plan) {
        List<String> modules = new ArrayList<>(List.of("client"));
        if (plan.runs("models") || plan.runs("overload")) {
            plan.models().forEach(model -> modules.add(Catalog.module(model)));
        }
        if (plan.runs("jmh")) {
            modules.add("benchmarks");
        }
        if (plan.runs("strategies")) {
            modules.add("balancer");
            modules.add(Catalog.module(plan.balancerModel()));
        }
        return modules;
    }

    private String validRegex(String regex) {
        try {
            Pattern.compile(regex);
            return regex;
        } catch (PatternSyntaxException e) {
            throw new ParameterException(spec.commandLine(), "--jmh-include '" + regex + "' is not a regular expression: "
                    + e.getDescription());
        }
    }

    private static List<String> words(String text) {
        return text.isBlank() ? List.of() : Arrays.asList(text.strip().split("\\s+"));
    }

    private void requireOneOf(String value, List<String> allowed, String option) {
        if (!allowed.contains(value)) {
            throw new ParameterException(spec.commandLine(), option + ": '" + value + "' is not one of " + allowed);
        }
    }

    private int range(int value, int min, int max, String option) {
        if (value < min || value > max) {
            throw new ParameterException(spec.commandLine(), option + " must be from " + min + " to " + max + ", got " + value);
        }
        return value;
    }

    private double fraction(double value, String option) {
        if (!(value > 0 && value <= 1)) {
            throw new ParameterException(spec.commandLine(), option + " must be a fraction in (0, 1], got " + value);
        }
        return value;
    }

    private List<Integer> numbers(List<String> given, String fallback, String option, int min, int max) {
        List<String> texts = given != null ? given : Arrays.asList(fallback.split(","));
        if (texts.size() == 1 && texts.getFirst().equals("none")) {
            return List.of();
        }
        return texts.stream().map(text -> {
            try {
                return range(Integer.parseInt(text.strip()), min, max, option);
            } catch (NumberFormatException e) {
                throw new ParameterException(spec.commandLine(), option + ": '" + text + "' is not a whole number");
            }
        }).distinct().toList();
    }

    /** The checkout this suite jar lies in: {@code <home>/suite/target/suite.jar}. */
    static Path defaultHome() {
        try {
            Path jar = Path.of(RunSuiteCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path target = jar.getParent();
            if (target != null && target.getParent() != null && target.getParent().getParent() != null) {
                return target.getParent().getParent();
            }
        } catch (URISyntaxException | SecurityException e) {
            // fall through to the working directory
        }
        return Path.of("").toAbsolutePath();
    }
}
