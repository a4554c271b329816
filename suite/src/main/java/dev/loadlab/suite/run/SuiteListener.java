package dev.loadlab.suite.run;

import dev.loadlab.suite.plan.SuitePlan;
import dev.loadlab.suite.results.RunRecord;
import dev.loadlab.suite.results.SuiteEnvironment;
import dev.loadlab.suite.results.SuiteResults;

/**
 * Told what a suite does while it runs: that it started, each run as soon as it is recorded (its
 * client's files are then complete in the results folder), and that it finished. A suite that is
 * stopped before the end never calls {@link #suiteFinished}. The results history listens so.
 *
 * <p>Threading: every method is called on the suite's one thread, in that order.
 */
public interface SuiteListener {
    /** Listens to nothing. */
    SuiteListener NONE = new SuiteListener() {
    };

    /** Before the first process starts. */
    default void suiteStarted(SuiteEnvironment environment, SuitePlan plan) {
    }

    /**
     * A run is over and recorded: {@code index} is its place in {@code suite.json}'s runs, from 0,
     * each index once, in order.
     */
    default void runRecorded(int index, RunRecord record) {
    }

    /** {@code suite.json} is written: the suite is complete. */
    default void suiteFinished(SuiteResults.SuiteFile suite) {
    }
}
