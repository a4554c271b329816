package dev.loadlab.api.work;

/**
 * What serving a request costs the server besides its answer: the simulated I/O wait and the
 * simulated CPU work. Every model asks it how long to wait and lets it compute, so that what a
 * request asks for and what the server makes of it are decided in one place.
 *
 * <p>The servers run {@link #slowedDownBy} their {@code --slowdown}; a test or tool that starts a
 * server in-process may hand in another (a fault injected into service, say). Nothing reachable
 * over HTTP chooses it.
 *
 * <p>Threading: called by whichever thread serves the request; implementations hold no state
 * that changes.
 */
public interface SimulatedWork {

    /** Milliseconds the request waits for its simulated downstream call. */
    long ioMillis(WorkRequest work);

    /** Computes the request's CPU work on the calling thread. */
    void computeCpu(WorkRequest work);

    /** The work exactly as each request asks for it. */
    static SimulatedWork asRequested() {
        return slowedDownBy(1);
    }

    /**
     * The work of every request multiplied by {@code factor} (the server's {@code --slowdown}): one
     * instance behaves as a machine that many times slower. {@code factor} is 1 or more.
     */
    static SimulatedWork slowedDownBy(int factor) {
        return new SlowedDownWork(factor);
    }
}
