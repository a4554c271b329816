package dev.loadlab.client.merge;

/**
 * The inputs of a merge cannot make one result: a folder without a result, results of different
 * loads, a generator missing or given twice. The message is one line naming the inputs at fault.
 */
public final class MergeRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    public MergeRefusedException(String message) {
        super(message);
    }
}
