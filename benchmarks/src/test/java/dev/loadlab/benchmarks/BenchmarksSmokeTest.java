package dev.loadlab.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Every benchmark of this module runs once, as briefly as JMH allows and with its smallest
 * parameters, so that a benchmark that throws, hangs past its bound or measures nothing fails the
 * build. It measures nothing worth reading: no fork, no warm-up, one iteration of 100 ms.
 */
class BenchmarksSmokeTest {

    /** Every benchmark class JMH's annotation processor listed (so a new class is covered unasked). */
    static Set<String> benchmarkClasses() {
        return entries().stream().map(BenchmarksSmokeTest::className).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<BenchmarkListEntry> entries() {
        return BenchmarkList.defaultList().getAll(OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT),
                List.of());
    }

    private static String className(BenchmarkListEntry entry) {
        String name = entry.getUsername();
        return name.substring(0, name.lastIndexOf('.'));
    }

    @ParameterizedTest
    @MethodSource("benchmarkClasses")
    void everyBenchmarkOfTheClassRunsAndMeasuresSomething(String benchmarkClass) throws RunnerException {
        Options options = briefly(Pattern.quote(benchmarkClass) + "\\.")
                .param("discipline", "fifo")
                .param("millis", "1")
                .param("count", "100")
                .param("backends", "4")
                .build();

        Collection<RunResult> results = new Runner(options).run();

        Set<String> expected = entries().stream().filter(entry -> className(entry).equals(benchmarkClass))
                .map(BenchmarkListEntry::getUsername).collect(Collectors.toCollection(TreeSet::new));
        Set<String> measured = results.stream().map(result -> result.getParams().getBenchmark())
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(measured).isEqualTo(expected);
        for (RunResult result : results) {
            double score = result.getPrimaryResult().getScore();
            assertThat(score).as(result.getParams().getBenchmark() + " " + result.getParams()).isFinite().isPositive();
        }
    }

    /** The memory per waiter is a secondary result; its size is not checked (100 waiters are within the noise). */
    @Test
    void manyWaitersReportsTheMemoryPerWaiterBesideItsTime() throws RunnerException {
        Options options = briefly(Pattern.quote(ManyWaitersBenchmark.class.getName()) + "\\.")
                .param("waiter", "platform-thread")
                .param("count", "100")
                .build();

        RunResult result = new Runner(options).runSingle();

        assertThat(result.getSecondaryResults()).containsKeys("heapBytesPerWaiter", "rssBytesPerWaiter");
    }

    /** No fork, no warm-up, one iteration of 100 ms, failing on the first error. */
    private static ChainedOptionsBuilder briefly(String include) {
        return new OptionsBuilder()
                .include(include)
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT);
    }
}
