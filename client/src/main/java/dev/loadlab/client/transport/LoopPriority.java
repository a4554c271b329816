package dev.loadlab.client.transport;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Real-time priority for the netty transport's event loops ({@code --realtime}): the Linux
 * policy {@code SCHED_FIFO} at priority {@value #FIFO_PRIORITY}, the lowest real-time one, set
 * on each loop's own thread through util-linux's {@code chrt} (the JVM has no call for it) and
 * then read back from {@code /proc}, so that what a run reports is what its threads had, not
 * what was asked.
 *
 * <p>Why: on a machine shared with the server, an ordinary thread's wake-up waits behind
 * whichever thread holds the core, and an open loop's timer wake-up is what sends its due
 * slots. A real-time thread preempts every ordinary one when it wakes (measured beside the
 * strategy study on 2 cores, cyclictest's wake-up latency: p99 0.99 ms at nice 0, 0.14 ms at
 * {@code SCHED_FIFO} 1). It also runs until it blocks, so only an open loop asks for it: its
 * loop's work is bounded by the rate, while a closed loop's loop is busy as long as the server
 * is fast and would take a core from it. The threads it preempts pay for it: on cores shared
 * with the servers it slowed them (the suite's README has the figures), so it is for a client on
 * cores of its own. Setting it needs {@code CAP_SYS_NICE} (root, or an
 * {@code RLIMIT_RTPRIO} of at least 1); without it the run goes on at normal priority and says
 * why.
 *
 * <p><b>Threads.</b> {@link #currentThreadId} is called on the loop whose id it reads;
 * {@link #raise} by the thread that opens the transport, before any request.
 */
final class LoopPriority {
    /** The real-time priority asked: the lowest, above every ordinary thread and below the kernel's own. */
    static final int FIFO_PRIORITY = 1;
    /** {@code SCHED_FIFO}'s number in {@code /proc/<pid>/task/<tid>/stat}'s policy field. */
    private static final int SCHED_FIFO = 1;
    /** {@code chrt} sets one thread's policy with one system call; far longer means it hangs. */
    private static final long CHRT_TIMEOUT_SECONDS = 10;

    /** The priority the loops run at: real-time, or normal with the reason it was not raised. */
    record Outcome(boolean realtime, String refusal) {
        static final Outcome NOT_ASKED = new Outcome(false, null);

        /** For the transport's description: empty when not asked. */
        String describe() {
            if (realtime) {
                return ", SCHED_FIFO " + FIFO_PRIORITY;
            }
            return refusal == null ? "" : ", normal priority (--realtime refused: " + refusal + ")";
        }
    }

    private LoopPriority() {
    }

    /** The calling thread's kernel id, from {@code /proc/thread-self} (Linux 3.17 and later). */
    static long currentThreadId() throws IOException {
        Path self = Files.readSymbolicLink(Path.of("/proc/thread-self")); // "<pid>/task/<tid>"
        return Long.parseLong(self.getFileName().toString());
    }

    /**
     * Sets every thread of {@code threadIds} (this process's) to {@code SCHED_FIFO} at
     * {@value #FIFO_PRIORITY} and checks that each has it; at the first that does not, stops and
     * says why.
     */
    static Outcome raise(List<Long> threadIds) throws InterruptedException {
        for (long tid : threadIds) {
            String refusal = chrt(tid);
            if (refusal == null) {
                refusal = checkFifo(tid);
            }
            if (refusal != null) {
                return new Outcome(false, refusal);
            }
        }
        return new Outcome(true, null);
    }

    /** Runs {@code chrt --fifo --pid 1 TID}; null when it succeeded, else what it said. */
    private static String chrt(long tid) throws InterruptedException {
        Process chrt;
        try {
            chrt = new ProcessBuilder("chrt", "--fifo", "--pid", String.valueOf(FIFO_PRIORITY), String.valueOf(tid))
                    .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            return "chrt (util-linux) could not be run: " + e.getMessage();
        }
        try (InputStream output = chrt.getInputStream()) {
            if (!chrt.waitFor(CHRT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                chrt.destroyForcibly();
                return "chrt did not finish within " + CHRT_TIMEOUT_SECONDS + " s";
            }
            String said = new String(output.readAllBytes(), StandardCharsets.UTF_8).strip();
            return chrt.exitValue() == 0 ? null
                    : said.isEmpty() ? "chrt exited with " + chrt.exitValue() : said.lines().findFirst().orElseThrow();
        } catch (IOException e) {
            return "chrt's output could not be read: " + e.getMessage();
        } finally {
            chrt.destroy(); // nothing when it has exited
        }
    }

    /** Null when the thread's policy reads {@code SCHED_FIFO} at {@value #FIFO_PRIORITY}, else what it reads. */
    private static String checkFifo(long tid) {
        try {
            int[] policy = policyAndPriority(Files.readString(Path.of("/proc/self/task/" + tid + "/stat")));
            return policy[0] == SCHED_FIFO && policy[1] == FIFO_PRIORITY ? null
                    : String.format(Locale.ROOT, "after chrt, thread %d has policy %d at priority %d", tid,
                    policy[0], policy[1]);
        } catch (IOException | RuntimeException e) {
            return "thread " + tid + "'s policy could not be read back: " + e.getMessage();
        }
    }

    /**
     * The scheduling policy and real-time priority of a {@code /proc/<pid>/task/<tid>/stat} line:
     * its fields 41 and 40, counted after the command name, which is in parentheses and may hold
     * spaces and parentheses itself (hence from the last ')').
     */
    static int[] policyAndPriority(String statLine) {
        String[] fields = statLine.substring(statLine.lastIndexOf(')') + 2).strip().split(" ");
        // fields[0] is field 3 (the state): field n is fields[n - 3].
        return new int[] {Integer.parseInt(fields[41 - 3]), Integer.parseInt(fields[40 - 3])};
    }
}
