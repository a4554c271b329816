package dev.loadlab.suite.run;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A backend that crashes and comes back: SIGKILL a third of the way into the run, started again
 * (same command, same port) at two thirds, as a crashed instance that its supervisor restarts.
 * {@link #close} makes sure it runs again even when the run ended early.
 */
final class KillFault implements Fault {
    private final Launcher launcher;
    private final List<ManagedProcess> processes = new CopyOnWriteArrayList<>();
    private Thread schedule;
    /** What went wrong restarting it, for {@link #close} to report. */
    private volatile Exception failure;

    KillFault(Launcher launcher, ManagedProcess backend) {
        this.launcher = launcher;
        processes.add(backend);
    }

    @Override
    public void start(long runMillis) {
        schedule = Thread.ofPlatform().daemon().name("kill-" + processes.getFirst().name())
                .start(() -> killAndRestart(runMillis));
    }

    private void killAndRestart(long runMillis) {
        try {
            Thread.sleep(runMillis / 3);
            processes.getLast().kill();
            Thread.sleep(runMillis / 3);
        } catch (InterruptedException e) {
            // closed early: close() restarts it
        }
        if (!processes.getLast().alive()) {
            restart();
        }
    }

    private synchronized void restart() {
        if (processes.getLast().alive()) {
            return;
        }
        try {
            processes.add(launcher.restarted(processes.getLast()));
        } catch (IOException | ServerDidNotStart e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e;
        }
    }

    @Override
    public List<ManagedProcess> processes() {
        return List.copyOf(processes);
    }

    @Override
    public ManagedProcess current(ManagedProcess started) {
        return processes.contains(started) ? processes.getLast() : started;
    }

    @Override
    public void close() throws InterruptedException, ServerDidNotStart, IOException {
        if (schedule != null) {
            schedule.interrupt();
            schedule.join();
        }
        restart();
        if (failure instanceof ServerDidNotStart notStarted) {
            throw notStarted;
        }
        if (failure instanceof IOException io) {
            throw io;
        }
    }
}
