package dev.loadlab.api.work;

/** {@link SimulatedWork#slowedDownBy}: the I/O wait and the CPU work, each {@code factor} times as asked. */
record SlowedDownWork(int factor) implements SimulatedWork {
    SlowedDownWork {
        if (factor < 1) {
            throw new IllegalArgumentException("a slowdown is 1 or more, got " + factor);
        }
    }

    @Override
    public long ioMillis(WorkRequest work) {
        return work.ioMillis() * factor;
    }

    @Override
    public void computeCpu(WorkRequest work) {
        CpuWork.burn(work.cpuMillis() * factor);
    }
}
