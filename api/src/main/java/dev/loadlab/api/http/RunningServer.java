package dev.loadlab.api.http;

import java.util.concurrent.TimeUnit;

/** A started server process, as {@link dev.loadlab.api.cli.ServerLauncher} runs it until SIGTERM. */
public interface RunningServer extends AutoCloseable {

    /** The one line printed at start: what listens where, with which settings. */
    String startLine();

    /** The name printed in the stop line. */
    String name();

    /** Stops taking work and waits for what was taken; false if the time ran out first. */
    boolean drain(long timeout, TimeUnit unit) throws InterruptedException;

    /** Stops listening and stops every thread of its own. */
    @Override
    void close();
}
