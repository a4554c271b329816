package dev.loadlab.suite.run;

/** A server or balancer that did not come up: its phase is skipped for that model, or that round. */
final class ServerDidNotStart extends Exception {
    ServerDidNotStart(String message) {
        super(message, null, false, false);
    }
}
