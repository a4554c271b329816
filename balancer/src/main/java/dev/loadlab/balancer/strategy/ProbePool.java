package dev.loadlab.balancer.strategy;

import dev.loadlab.balancer.backend.Backend;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Prequal's pool of recent probes and its hot-cold rule (Wydrowski et al., "Load is not what you
 * should balance", NSDI 2024).
 *
 * <p>A probe is one backend's answer to {@code GET /probe}: its requests in flight and its recent
 * latency. The pool keeps at most {@code poolSize} of them, one per backend (a newer answer
 * replaces the backend's older one: the pool never holds two opinions of one backend), the oldest
 * evicted when it is full. A probe is retired once it is older than {@code maxAgeMillis} or has
 * served {@code maxReuse} picks. Each pick it serves adds one to its requests in flight, since
 * that pick sent the backend one more (the paper's client-side correction).
 *
 * <p>The hot-cold rule: a probe is hot when its requests in flight exceed the
 * {@code hotQuantile} quantile of the last {@value #HISTORY} answers' (a history longer than the
 * pool, so that the whole pool can be hot). The pick is the cold probe with the lowest latency
 * (ties: fewer in flight, then at random); if every usable probe is hot, the one with the fewest
 * in flight; with no usable probe, none (the caller picks at random).
 *
 * <p>Threading: answers arrive on I/O threads and picks run on I/O threads; one lock guards the
 * pool, the history and the counters, held for a pass over at most {@code poolSize} probes (and,
 * when an answer arrives, a sort of the {@value #HISTORY}-entry history).
 */
public final class ProbePool {
    /** Answers whose requests in flight set the hot threshold. */
    static final int HISTORY = 128;

    private final PrequalSettings settings;
    private final long maxAgeNanos;
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock.
    private final Probe[] probes;
    private int size;
    private final int[] history = new int[HISTORY];
    private final int[] sorted = new int[HISTORY];
    private int historyCount;
    private int historyNext;
    private int hotThreshold;
    private long answers;
    private long picksCold;
    private long picksHot;
    private long picksWithoutProbe;
    private long retiredReused;
    private long retiredStale;

    public ProbePool(PrequalSettings settings) {
        this.settings = settings;
        this.maxAgeNanos = settings.maxAgeNanos();
        this.probes = new Probe[settings.poolSize()];
    }

    /** One backend's requests in flight and latency, answered at {@code nowNanos}. */
    private static final class Probe {
        final Backend backend;
        long answeredNanos;
        int inFlight;
        long latencyNanos;
        int uses;

        Probe(Backend backend) {
            this.backend = backend;
        }
    }

    /** A probe's answer arrived. */
    public void add(Backend backend, int inFlight, long latencyNanos, long nowNanos) {
        lock.lock();
        try {
            retireStale(nowNanos);
            remember(inFlight);
            answers++;
            Probe probe = find(backend);
            if (probe == null) {
                if (size == probes.length) {
                    remove(oldest());
                }
                probe = new Probe(backend);
                probes[size++] = probe;
            }
            probe.answeredNanos = nowNanos;
            probe.inFlight = inFlight;
            probe.latencyNanos = latencyNanos;
            probe.uses = 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Picks among {@code candidates} by the hot-cold rule, counting the pick against the chosen
     * probe; null if no fresh probe is of a candidate.
     */
    public Backend pick(List<Backend> candidates, long nowNanos) {
        lock.lock();
        try {
            retireStale(nowNanos);
            Probe cold = null;
            Probe hot = null;
            int coldTies = 0;
            for (int i = 0; i < size; i++) {
                Probe probe = probes[i];
                if (!isCandidate(probe.backend, candidates)) {
                    continue;
                }
                if (probe.inFlight > hotThreshold) {
                    if (hot == null || probe.inFlight < hot.inFlight
                            || probe.inFlight == hot.inFlight && probe.latencyNanos < hot.latencyNanos) {
                        hot = probe;
                    }
                } else {
                    int order = cold == null ? -1 : compareCold(probe, cold);
                    if (order < 0) {
                        cold = probe;
                        coldTies = 1;
                    } else if (order == 0 && ThreadLocalRandom.current().nextInt(++coldTies) == 0) {
                        cold = probe; // reservoir sampling over the tied probes
                    }
                }
            }
            Probe chosen = cold != null ? cold : hot;
            if (chosen == null) {
                picksWithoutProbe++;
                return null;
            }
            if (cold != null) {
                picksCold++;
            } else {
                picksHot++;
            }
            chosen.inFlight++;
            if (++chosen.uses >= settings.maxReuse()) {
                remove(chosen);
                retiredReused++;
            }
            return chosen.backend;
        } finally {
            lock.unlock();
        }
    }

    /** Lower latency first, then fewer in flight. */
    private static int compareCold(Probe a, Probe b) {
        int byLatency = Long.compare(a.latencyNanos, b.latencyNanos);
        return byLatency != 0 ? byLatency : Integer.compare(a.inFlight, b.inFlight);
    }

    /** The pool's figures for {@code /stats}. */
    public Map<String, Long> stats(long nowNanos) {
        lock.lock();
        try {
            retireStale(nowNanos);
            Map<String, Long> figures = new LinkedHashMap<>();
            figures.put("pool_size", (long) size);
            figures.put("hot_threshold_in_flight", (long) hotThreshold);
            figures.put("probes_answered", answers);
            figures.put("picks_cold", picksCold);
            figures.put("picks_hot", picksHot);
            figures.put("picks_without_probe", picksWithoutProbe);
            figures.put("probes_retired_reused", retiredReused);
            figures.put("probes_retired_stale", retiredStale);
            return figures;
        } finally {
            lock.unlock();
        }
    }

    private static boolean isCandidate(Backend backend, List<Backend> candidates) {
        for (Backend candidate : candidates) {
            if (candidate == backend) {
                return true;
            }
        }
        return false;
    }

    /** Adds an answer's requests in flight to the history and recomputes the hot threshold. */
    private void remember(int inFlight) {
        history[historyNext] = inFlight;
        historyNext = (historyNext + 1) % HISTORY;
        historyCount = Math.min(HISTORY, historyCount + 1);
        System.arraycopy(history, 0, sorted, 0, historyCount);
        Arrays.sort(sorted, 0, historyCount);
        int rank = (int) Math.ceil(settings.hotQuantile() * historyCount); // nearest rank, 1-based
        hotThreshold = sorted[Math.clamp(rank - 1, 0, historyCount - 1)];
    }

    private void retireStale(long nowNanos) {
        for (int i = size - 1; i >= 0; i--) {
            if (nowNanos - probes[i].answeredNanos > maxAgeNanos) {
                remove(probes[i]);
                retiredStale++;
            }
        }
    }

    private Probe find(Backend backend) {
        for (int i = 0; i < size; i++) {
            if (probes[i].backend == backend) {
                return probes[i];
            }
        }
        return null;
    }

    private Probe oldest() {
        Probe oldest = probes[0];
        for (int i = 1; i < size; i++) {
            if (probes[i].answeredNanos - oldest.answeredNanos < 0) {
                oldest = probes[i];
            }
        }
        return oldest;
    }

    /** Removes a probe; the pool is unordered, so the last one takes its slot. */
    private void remove(Probe probe) {
        for (int i = 0; i < size; i++) {
            if (probes[i] == probe) {
                probes[i] = probes[--size];
                probes[size] = null;
                return;
            }
        }
    }
}
