package dev.loadlab.server.virtualthreads;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadlab.api.cli.ServerOptions;
import dev.loadlab.api.http.ApiServer;
import dev.loadlab.api.lane.Discipline;
import dev.loadlab.api.lane.Lane;
import dev.loadlab.api.work.SimulatedWork;
import dev.loadlab.api.work.WorkRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A server closed after a drain that timed out interrupts its virtual threads; one parked in its
 * lane must leave the lane and end, not spin on its carrier with the interrupt pending.
 */
class ClosingWithWaitersTest {

    /** Released by the test: until then the request in service holds the lane's one worker, interrupt or not. */
    private final CountDownLatch blockerMayFinish = new CountDownLatch(1);

    /** The work as requested, except that the request {@code blocker} waits, uninterruptibly, for the test. */
    private final SimulatedWork blockerWaitsForTheTest = new SimulatedWork() {
        @Override
        public long ioMillis(WorkRequest work) {
            return 0;
        }

        @Override
        public void computeCpu(WorkRequest work) {
            while ("blocker".equals(work.id())) {
                try {
                    blockerMayFinish.await();
                    return;
                } catch (InterruptedException closing) {
                    // go on holding the worker: the waiter must leave the lane by itself
                }
            }
        }
    };

    @Test
    void aParkedWaiterInterruptedByCloseLeavesItsLane() throws Exception {
        ServerOptions options = ServerOptions.parse("--port", "0", "--workers", "1");
        ApiServer server = ApiServer.start(options, new VirtualThreadModel(), 1, blockerWaitsForTheTest);
        Lane fifo = server.lanes().lane(Discipline.FIFO);
        try (HttpClient client = HttpClient.newHttpClient()) {
            String base = "http://127.0.0.1:" + server.address().getPort() + "/api/process_fifo?id=";
            client.sendAsync(HttpRequest.newBuilder(URI.create(base + "blocker")).build(), HttpResponse.BodyHandlers.discarding());
            awaitTrue(() -> fifo.stats().inService() == 1);
            client.sendAsync(HttpRequest.newBuilder(URI.create(base + "waiter")).build(), HttpResponse.BodyHandlers.discarding());
            awaitTrue(() -> fifo.stats().queued() == 1);

            assertThat(server.drain(100, TimeUnit.MILLISECONDS)).as("the drain times out: one in service, one queued").isFalse();
            server.close();

            awaitTrue(() -> fifo.stats().queued() == 0);
            assertThat(fifo.stats().cancelled()).as("the waiter took itself out of the lane").isEqualTo(1);
            assertThat(fifo.stats().shed()).isZero();
            assertThat(fifo.stats().inService()).as("the blocker still holds its worker").isEqualTo(1);
        } finally {
            blockerMayFinish.countDown();
        }
    }

    /** Polls for up to 30 s: generous on a busy machine; the condition holds in milliseconds. */
    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() < deadline).as("condition met within 30 s").isTrue();
            Thread.sleep(10);
        }
    }
}
