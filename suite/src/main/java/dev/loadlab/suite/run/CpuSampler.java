package dev.loadlab.suite.run;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Samples the CPU time of the suite's server processes every few milliseconds, so that a run's
 * server CPU can be taken over exactly the client's measured window (which starts after the
 * client's warm-up) rather than over the whole client process.
 *
 * <p>Threading: one daemon sampling thread writes; the suite's thread registers processes and
 * reads windows. Each process's samples list is guarded by its own monitor.
 */
final class CpuSampler implements AutoCloseable {
    private static final long PERIOD_MILLIS = 20;

    /** Wall-clock time and cumulative CPU of one process at one moment. */
    private record Sample(long epochMillis, long cpuNanos) {
    }

    private final Map<ManagedProcess, List<Sample>> samples = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    CpuSampler() {
        thread = Thread.ofPlatform().daemon().name("cpu-sampler").start(this::sampleUntilClosed);
    }

    void watch(ManagedProcess process) {
        samples.put(process, new ArrayList<>());
    }

    void forget(ManagedProcess process) {
        samples.remove(process);
    }

    private void sampleUntilClosed() {
        while (running) {
            long now = System.currentTimeMillis();
            samples.forEach((process, list) -> {
                long cpu = process.cpu().toNanos();
                if (cpu > 0) {
                    synchronized (list) {
                        list.add(new Sample(now, cpu));
                    }
                }
            });
            try {
                Thread.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** CPU the process used between two wall-clock instants, interpolating between samples. */
    Duration cpuBetween(ManagedProcess process, long fromEpochMillis, long toEpochMillis) {
        List<Sample> list = samples.get(process);
        if (list == null) {
            return Duration.ZERO;
        }
        synchronized (list) {
            return Duration.ofNanos(Math.max(0, cpuAt(list, toEpochMillis) - cpuAt(list, fromEpochMillis)));
        }
    }

    private static long cpuAt(List<Sample> list, long epochMillis) {
        Sample before = null;
        for (Sample sample : list) {
            if (sample.epochMillis() > epochMillis) {
                if (before == null) {
                    return sample.cpuNanos();
                }
                double fraction = (double) (epochMillis - before.epochMillis())
                        / Math.max(1, sample.epochMillis() - before.epochMillis());
                return before.cpuNanos() + Math.round(fraction * (sample.cpuNanos() - before.cpuNanos()));
            }
            before = sample;
        }
        return before == null ? 0 : before.cpuNanos();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
