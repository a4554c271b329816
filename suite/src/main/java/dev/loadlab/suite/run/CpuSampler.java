package dev.loadlab.suite.run;

import dev.loadlab.client.record.MachineTicks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Samples, every {@value #PERIOD_MILLIS} ms, the CPU time of every process the suite watches (its
 * servers, balancer and clients), of the suite's own JVM, and of the whole machine, so that each
 * can be taken over exactly a client's measured window (which starts after the client's warm-up,
 * a moment the suite learns only from the client's result), interpolating between samples.
 *
 * <p>A process's CPU is read from {@code /proc/<pid>/stat} (utime + stime, in jiffies), which is
 * cheaper than {@code ProcessHandle.info()}; elsewhere it falls back to the latter.
 *
 * <p>Threading: one daemon sampling thread writes; the suite's thread registers processes and
 * reads windows. Each list of samples is guarded by its own monitor.
 */
final class CpuSampler implements AutoCloseable {
    private static final long PERIOD_MILLIS = 50;
    private static final long NANOS_PER_JIFFY = 1_000_000_000L / MachineTicks.PER_SECOND;

    /** Wall-clock time and one cumulative counter (CPU nanoseconds, or jiffies) at one moment. */
    private record Sample(long epochMillis, long value) {
    }

    private final Map<ManagedProcess, List<Sample>> processes = new ConcurrentHashMap<>();
    private final List<Sample> self = new ArrayList<>();
    private final List<Sample> machineBusy = new ArrayList<>();
    private final List<Sample> machineSteal = new ArrayList<>();
    private final List<Sample> machineTotal = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    CpuSampler() {
        sampleOnce();
        thread = Thread.ofPlatform().daemon().name("cpu-sampler").start(this::sampleUntilClosed);
    }

    void watch(ManagedProcess process) {
        processes.put(process, new ArrayList<>());
    }

    void forget(ManagedProcess process) {
        processes.remove(process);
    }

    private void sampleUntilClosed() {
        while (running) {
            try {
                Thread.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            sampleOnce();
        }
    }

    private void sampleOnce() {
        long now = System.currentTimeMillis();
        processes.forEach((process, list) -> cpuNanos(process.pid()).ifPresent(cpu -> add(list, now, cpu)));
        cpuNanos(ProcessHandle.current().pid()).ifPresent(cpu -> add(self, now, cpu));
        MachineTicks.read().ifPresent(ticks -> {
            add(machineBusy, now, ticks.busy());
            add(machineSteal, now, ticks.steal());
            add(machineTotal, now, ticks.total());
        });
    }

    private static void add(List<Sample> list, long epochMillis, long value) {
        synchronized (list) {
            list.add(new Sample(epochMillis, value));
        }
    }

    /** CPU a watched process used between two wall-clock instants. */
    Duration cpuBetween(ManagedProcess process, long fromEpochMillis, long toEpochMillis) {
        List<Sample> list = processes.get(process);
        return list == null ? Duration.ZERO : Duration.ofNanos(between(list, fromEpochMillis, toEpochMillis));
    }

    /** CPU the suite's own JVM (this sampler included) used between two instants. */
    Duration selfCpuBetween(long fromEpochMillis, long toEpochMillis) {
        return Duration.ofNanos(between(self, fromEpochMillis, toEpochMillis));
    }

    /** The machine's CPU between two instants; empty where {@code /proc/stat} cannot be read. */
    Optional<MachineTicks> machineBetween(long fromEpochMillis, long toEpochMillis) {
        synchronized (machineTotal) {
            if (machineTotal.isEmpty()) {
                return Optional.empty();
            }
        }
        return Optional.of(new MachineTicks(between(machineBusy, fromEpochMillis, toEpochMillis),
                between(machineSteal, fromEpochMillis, toEpochMillis),
                between(machineTotal, fromEpochMillis, toEpochMillis)));
    }

    private static long between(List<Sample> list, long fromEpochMillis, long toEpochMillis) {
        synchronized (list) {
            return Math.max(0, valueAt(list, toEpochMillis) - valueAt(list, fromEpochMillis));
        }
    }

    /** The counter at an instant, interpolated between the samples around it (binary search). */
    private static long valueAt(List<Sample> list, long epochMillis) {
        if (list.isEmpty()) {
            return 0;
        }
        int low = 0;
        int high = list.size() - 1;
        if (epochMillis <= list.get(low).epochMillis()) {
            return list.get(low).value();
        }
        if (epochMillis >= list.get(high).epochMillis()) {
            return list.get(high).value();
        }
        while (high - low > 1) { // invariant: sample[low] < epochMillis < sample[high]
            int middle = (low + high) >>> 1;
            if (list.get(middle).epochMillis() <= epochMillis) {
                low = middle;
            } else {
                high = middle;
            }
        }
        Sample before = list.get(low);
        Sample after = list.get(high);
        double fraction = (double) (epochMillis - before.epochMillis())
                / Math.max(1, after.epochMillis() - before.epochMillis());
        return before.value() + Math.round(fraction * (after.value() - before.value()));
    }

    /** utime + stime of a process, from {@code /proc/<pid>/stat}; empty once it has ended. */
    private static Optional<Long> cpuNanos(long pid) {
        return ProcStat.fields(pid) // utime and stime: fields 14 and 15
                .map(fields -> (Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3])) * NANOS_PER_JIFFY)
                .or(() -> ProcessHandle.of(pid).flatMap(handle -> handle.info().totalCpuDuration())
                        .map(Duration::toNanos));
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
