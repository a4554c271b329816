package dev.loadlab.suite.run;

import dev.loadlab.suite.results.RunRecord;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;

/**
 * The suite's run records, which the runner, {@link Measurer} and {@link StrategyStudy} append to:
 * an append-only list that tells its {@link SuiteListener} of every record as it is appended.
 *
 * <p>Threading: the suite's thread only.
 */
final class ListenedRecords extends AbstractList<RunRecord> {
    private final List<RunRecord> records = new ArrayList<>();
    private final SuiteListener listener;

    ListenedRecords(SuiteListener listener) {
        this.listener = listener;
    }

    @Override
    public RunRecord get(int index) {
        return records.get(index);
    }

    @Override
    public int size() {
        return records.size();
    }

    /** Appends only: {@code index} must be the list's size. */
    @Override
    public void add(int index, RunRecord record) {
        if (index != records.size()) {
            throw new UnsupportedOperationException("run records are appended, never inserted");
        }
        records.add(record);
        modCount++;
        listener.runRecorded(index, record);
    }
}
