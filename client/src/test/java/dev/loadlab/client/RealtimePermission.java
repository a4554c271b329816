package dev.loadlab.client;

import java.io.IOException;

/** Whether this process may run a thread at real-time priority: the precondition of the {@code --realtime} tests. */
public final class RealtimePermission {
    private RealtimePermission() {
    }

    /** True when {@code chrt --fifo 1 true} succeeds here (CAP_SYS_NICE, or an RLIMIT_RTPRIO of 1 or more). */
    public static boolean granted() throws InterruptedException {
        try {
            return new ProcessBuilder("chrt", "--fifo", "1", "true").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        } catch (IOException e) {
            return false; // no chrt: the transport's attempt is refused the same way
        }
    }
}
