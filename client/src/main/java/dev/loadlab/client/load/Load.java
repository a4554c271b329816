package dev.loadlab.client.load;

/**
 * What a {@link Transport} carries: how many connections, the ledger every outcome goes to,
 * and what decides when each request leaves.
 */
public sealed interface Load {

    /** Where every measured request is counted and its outcome recorded. */
    Ledger ledger();

    /** Connections, each with at most one request in flight. */
    int connections();

    /** Each connection sends its next request as soon as its last one has ended, while the budget allows. */
    record Closed(Ledger ledger, int connections, ClosedLoopBudget budget) implements Load {
    }

    /** Requests leave at their slots in the timetable, on whichever connection is free. */
    record Open(Ledger ledger, int connections, Timetable timetable) implements Load {
    }
}
