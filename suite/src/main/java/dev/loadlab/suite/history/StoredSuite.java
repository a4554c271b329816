package dev.loadlab.suite.history;

import java.util.Optional;

/**
 * One suite in the history, as {@code history} lists it.
 *
 * @param status       as stored: {@code running} from its start until its end, then
 *                     {@code complete}; {@code incomplete} when it stopped with an error. A
 *                     suite killed outright stays {@code running}: see {@link #state}
 * @param source       {@code run} (recorded as it ran) or {@code import} (loaded from its folder)
 * @param profile      the options {@code suite run} was given ({@code default} for none); null if imported
 * @param writerHost   the host whose suite wrote it while it ran
 * @param writerPid    that suite's process id
 * @param runCount     the runs stored; {@code measuredCount} of them have the client's result
 */
public record StoredSuite(long id, String status, String source, String folder, String startedAt,
                          String finishedAt, String gitCommit, boolean gitDirty, String profile, String phases,
                          String models, int repeats, int durationSeconds, int warmupSeconds, int ioMillis,
                          int cpuMillis, int cores, int runCount, int measuredCount, String writerHost,
                          long writerPid) {

    /**
     * {@code complete}, {@code running} (its suite is still alive on this host), or
     * {@code incomplete}: stopped with an error, or killed before it could say so.
     */
    public String state() {
        if (status.equals("running")) {
            boolean alive = Hostname.current().equals(writerHost)
                    && ProcessHandle.of(writerPid).map(ProcessHandle::isAlive).orElse(false);
            return alive ? "running" : "incomplete";
        }
        return status;
    }

    public boolean complete() {
        return status.equals("complete");
    }

    /** The commit as {@code abc123def456}, with {@code -dirty} when the tree had changes; "unknown" outside git. */
    public String commit() {
        return Optional.ofNullable(gitCommit).map(c -> c + (gitDirty ? "-dirty" : "")).orElse("unknown");
    }

    /** Phases, and how many runs of how many seconds: {@code models,overload: 42 runs (3 repeats of 2 s)}. */
    public String whatRan() {
        return phases + ": " + runCount + " runs (" + repeats + (repeats == 1 ? " repeat" : " repeats") + " of "
                + durationSeconds + " s)";
    }

    /** The conditions its figures were measured under. */
    public Conditions conditions() {
        return new Conditions(ioMillis, cpuMillis, durationSeconds, warmupSeconds, cores);
    }

    /**
     * What must be equal for two suites' figures to be set beside each other: the same work per
     * request, the same run length and warm-up, on as many cores. Which cells they share is the
     * comparison's business.
     */
    public record Conditions(int ioMillis, int cpuMillis, int durationSeconds, int warmupSeconds, int cores) {
    }
}
