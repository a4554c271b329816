package dev.loadlab.benchmarks;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;

/**
 * One XNIO I/O thread, the event loop an Undertow server runs its exchanges on (the async server's
 * timers and resumed exchanges run there), without a server around it.
 *
 * <p>Threading: built and closed by a benchmark's setup and tear-down; {@link #ioThread()}'s
 * {@code execute} and {@code executeAfter} may be called from any thread.
 */
final class XnioLoop implements AutoCloseable {
    private final XnioWorker worker;

    XnioLoop() throws IOException {
        worker = Xnio.getInstance().createWorker(OptionMap.builder()
                .set(Options.WORKER_IO_THREADS, 1)
                .set(Options.WORKER_TASK_CORE_THREADS, 1)
                .set(Options.WORKER_TASK_MAX_THREADS, 1)
                .getMap());
    }

    XnioIoThread ioThread() {
        return worker.getIoThread();
    }

    @Override
    public void close() throws InterruptedException {
        worker.shutdownNow();
        if (!worker.awaitTermination(Signal.BOUND_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the XNIO worker did not stop within " + Signal.BOUND_SECONDS + " s");
        }
    }
}
