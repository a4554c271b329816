package dev.loadlab.suite.run;

import java.util.List;

/**
 * Something wrong with one backend during a run, done to the real process by its PID: a
 * {@linkplain PauseFault pause}, a {@linkplain KillFault crash and restart}, or nothing. A fault
 * starts with the client and is always undone by {@link #close}: a paused process is resumed, a
 * killed one is running again (or the close says why it is not). On Ctrl-C the shutdown hook
 * stops every process, resuming a paused one first.
 *
 * <p>Threading: the suite's thread calls {@link #start}, {@link #current} and {@link #close}; a
 * fault with a schedule runs it on a thread of its own, which {@link #close} ends and joins.
 */
interface Fault extends AutoCloseable {
    /** No fault: the backends are as started. */
    Fault NONE = new Fault() {
        @Override
        public void start(long runMillis) {
        }

        @Override
        public List<ManagedProcess> processes() {
            return List.of();
        }

        @Override
        public ManagedProcess current(ManagedProcess started) {
            return started;
        }

        @Override
        public void close() {
        }
    };

    /** Begins, now: the client has just started a run of {@code runMillis} (warm-up included). */
    void start(long runMillis);

    /** Every process of the faulty backend during the run: the started one, and any it was restarted as. */
    List<ManagedProcess> processes();

    /** The faulty backend's process now: {@code started}, or what it was restarted as. */
    ManagedProcess current(ManagedProcess started);

    /** Ends the fault and undoes it; waits for its thread. */
    @Override
    void close() throws InterruptedException, ServerDidNotStart, java.io.IOException;
}
