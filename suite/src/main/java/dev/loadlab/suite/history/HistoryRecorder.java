package dev.loadlab.suite.history;

import dev.loadlab.suite.plan.SuitePlan;
import dev.loadlab.suite.results.RunRecord;
import dev.loadlab.suite.results.SuiteEnvironment;
import dev.loadlab.suite.results.SuiteResults.SuiteFile;
import dev.loadlab.suite.run.SuiteListener;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.OptionalLong;

/**
 * Records a running suite in the history as it goes: its row at the start, each run as soon as it
 * is over, {@code complete} at the end. The history is never worth a suite: when a write fails
 * (the disk is full, another writer held the lock past the busy timeout), it says so once and
 * records nothing more, and the suite goes on; its row then stays incomplete.
 *
 * <p>Threading: the suite's thread only (see {@link SuiteListener}).
 */
public final class HistoryRecorder implements SuiteListener, AutoCloseable {
    private final HistoryStore store;
    private final String profile;
    private final PrintStream out;
    private Path folder;
    private long suiteId = -1;
    private boolean failed;
    private boolean finished;

    private HistoryRecorder(HistoryStore store, String profile, PrintStream out) {
        this.store = store;
        this.profile = profile;
        this.out = out;
    }

    /**
     * Opens the history in {@code file}, for a suite run with {@code profile} (its options).
     *
     * @throws SQLException when it cannot be opened or migrated: before the suite starts
     */
    public static HistoryRecorder open(Path file, String profile, PrintStream out) throws SQLException {
        return new HistoryRecorder(HistoryStore.open(file), profile, out);
    }

    /** The store, for the report's comparison with earlier suites. */
    public HistoryStore store() {
        return store;
    }

    /** The suite's id in the history, once it started and its row was written. */
    public OptionalLong suiteId() {
        return suiteId < 0 ? OptionalLong.empty() : OptionalLong.of(suiteId);
    }

    @Override
    public void suiteStarted(SuiteEnvironment environment, SuitePlan plan) {
        folder = plan.outputDirectory();
        write(() -> {
            suiteId = store.beginSuite(environment, plan, profile, folder);
            out.printf("history: suite #%d in %s%n", suiteId, store.file());
        });
    }

    @Override
    public void runRecorded(int index, RunRecord record) {
        if (suiteId >= 0) {
            write(() -> store.recordRun(suiteId, index, record, HistoryStore.resultOf(folder, record)));
        }
    }

    @Override
    public void suiteFinished(SuiteFile suite) {
        if (suiteId >= 0) {
            write(() -> {
                store.finishSuite(suiteId, suite, folder);
                finished = true;
            });
        }
    }

    /** The suite stopped with an error: its row says {@code incomplete}. */
    public void abandoned() {
        if (suiteId >= 0 && !finished) {
            write(() -> store.markIncomplete(suiteId));
        }
    }

    /** Closes the store; a failure to close is said, never thrown: the suite's results are written. */
    @Override
    public void close() {
        try {
            store.close();
        } catch (SQLException e) {
            out.printf("  ⚠ history: could not close %s (%s)%n", store.file(), e.getMessage());
        }
    }

    private interface Write {
        void run() throws SQLException;
    }

    private void write(Write write) {
        if (failed) {
            return;
        }
        try {
            write.run();
        } catch (SQLException e) {
            failed = true;
            out.printf("  ⚠ history: could not write to %s (%s): this suite is not recorded further%n",
                    store.file(), e.getMessage());
        }
    }
}
