package dev.loadlab.balancer.backend;

import java.util.Map;

/**
 * Sends Prequal's probes ({@code GET /probe}) to backends, off the request path.
 *
 * <p>Threading: {@link #send} is called on the balancer's I/O threads, for every pick, and must
 * never block; answers are delivered on an I/O thread too.
 */
public interface ProbeSender {

    /** Receives a probe's answer. */
    @FunctionalInterface
    interface Answers {
        /**
         * @param inFlight     the backend's requests in service and queued
         * @param latencyNanos its recent service time at about that load
         */
        void answered(Backend backend, int inFlight, long latencyNanos);
    }

    /** Sends one probe to {@code target}, unless one is still out on this thread's connection to it. */
    void send(Backend target, Answers answers);

    /** The sender's figures for {@code /stats}. */
    Map<String, Long> stats();
}
