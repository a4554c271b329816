package dev.loadlab.suite.run;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A backend that crashes and comes back: SIGKILL a third of the way into the run, started again
 * (same command, same port) at two thirds, as a crashed instance that its supervisor restarts.
 * {@link #close} makes sure it runs again even when the run ended early.
 */
final class KillFault implements Fault {
    private final Launcher launcher;
    private final List<ManagedProcess> processes = new CopyOnWriteArrayList<>();
    private Thread schedule;
    /**
     * True while the schedule sleeps; whoever turns it false first decides: {@link #close} by
     * interrupting the sleep (and restarting the backend itself), the schedule by going on to its
     * restart, which close then waits for. A restart under way is never interrupted: its start-up
     * would be abandoned half done, its process unrecorded, and a second one started.
     */
    private final AtomicBoolean sleeping = new AtomicBoolean(true);
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
            return; // closed early: close() restarts it
        }
        if (sleeping.compareAndSet(true, false)) {
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
            if (sleeping.compareAndSet(true, false)) {
                schedule.interrupt();
            }
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
