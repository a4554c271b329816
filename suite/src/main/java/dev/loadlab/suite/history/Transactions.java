package dev.loadlab.suite.history;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Write transactions on a connection left in auto-commit: {@code BEGIN IMMEDIATE} takes the
 * database's write lock at the start (waiting up to the busy timeout while another writer holds
 * it), so that a transaction never fails half-way because another one wrote first; all of the work
 * is committed, or none of it.
 */
final class Transactions {
    /** Work inside a transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run() throws SQLException;
    }

    private Transactions() {
    }

    static <T> T inTransaction(Connection connection, Work<T> work) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            boolean committed = false;
            try {
                T result = work.run();
                statement.execute("COMMIT");
                committed = true;
                return result;
            } finally {
                if (!committed) {
                    statement.execute("ROLLBACK");
                }
            }
        }
    }
}
