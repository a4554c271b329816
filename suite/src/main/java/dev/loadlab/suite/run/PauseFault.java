package dev.loadlab.suite.run;

import java.io.IOException;
import java.util.List;

/**
 * A backend that stops dead now and then, as in a stop-the-world GC pause or a stalled VM: SIGSTOP
 * for {@value #PAUSE_MILLIS} ms every {@value #PERIOD_MILLIS} ms, then SIGCONT, from the start of
 * the run until closed. Its connections stay open and its queue keeps what it had: the balancer
 * sees it only by its silence.
 */
final class PauseFault implements Fault {
    static final long PAUSE_MILLIS = 300;
    static final long PERIOD_MILLIS = 2_000;

    private final ManagedProcess backend;
    private Thread schedule;
    private volatile boolean closed;

    PauseFault(ManagedProcess backend) {
        this.backend = backend;
    }

    @Override
    public void start(long runMillis) {
        schedule = Thread.ofPlatform().daemon().name("pause-" + backend.name()).start(this::pauseUntilClosed);
    }

    private void pauseUntilClosed() {
        try {
            while (!closed) {
                backend.pause();
                try {
                    Thread.sleep(PAUSE_MILLIS);
                } finally {
                    backend.resume();
                }
                Thread.sleep(PERIOD_MILLIS - PAUSE_MILLIS);
            }
        } catch (InterruptedException e) {
            // closed
        } catch (IOException e) {
            // kill(1) could not run: the backend is resumed (finally) and the fault ends
        }
    }

    @Override
    public List<ManagedProcess> processes() {
        return List.of(backend);
    }

    @Override
    public ManagedProcess current(ManagedProcess started) {
        return started;
    }

    @Override
    public void close() throws InterruptedException, IOException {
        closed = true;
        if (schedule != null) {
            schedule.interrupt();
            schedule.join();
        }
        backend.resume(); // whatever the thread's last step was
    }
}
