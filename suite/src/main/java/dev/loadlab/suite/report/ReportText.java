package dev.loadlab.suite.report;

import dev.loadlab.suite.plan.SuitePlan;
import dev.loadlab.suite.results.SuiteEnvironment;
import dev.loadlab.suite.results.SuiteResults;
import dev.loadlab.suite.results.WarmUp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The report's prose, shared by the Markdown and the HTML report: preamble, environment, how to read it. */
final class ReportText {
    private ReportText() {
    }

    /**
     * The server warm-up after which a fresh server's CPU per request had settled, measured: a
     * fresh async server's first closed-loop run at concurrency 10 and io_ms=10 used 1.5 CPU-s per
     * 10k requests after 2 s of warm-up at io_ms=1 (the suite's), as after 8-16 s at io_ms=10
     * (1.9-2.2), against 2.7 after 2 s at io_ms=10 (medians of 3, 2 cores).
     */
    static final int SETTLED_SERVER_WARMUP_SECONDS = 2;

    /**
     * The same for the strategy study's balancer, which costs more per request: started afresh
     * and warmed up 2 s, the even backends' p99 was 36-487 ms by strategy, after 8 s 15-27 ms.
     */
    static final int SETTLED_BALANCER_WARMUP_SECONDS = 6;

    /**
     * What produced every figure, in one paragraph, and what too short a fixed warm-up leaves in
     * them (with settling on, a warm-up that stopped at the limit says so in the environment's
     * warm-ups line instead).
     */
    static String preamble(SuiteResults results) {
        SuitePlan s = results.settings();
        String preamble = String.format(Locale.ROOT, "Every figure below comes from a run of %d s after %d s of"
                        + " warm-up, with `io_ms=%d` and `cpu_ms=%d` per request, on the machine described under"
                        + " Environment, with the client, servers and balancer sharing its %d cores. Latency"
                        + " percentiles are HdrHistogram's (microsecond resolution).",
                s.durationSeconds(), s.warmupSeconds(), s.ioMillis(), s.cpuMillis(), results.environment().cores());
        if (s.settleLimitSeconds() == 0 && s.serverWarmupSeconds() < SETTLED_SERVER_WARMUP_SECONDS) {
            preamble += String.format(Locale.ROOT, " ⚠ Every server had %d s of warm-up before its first run: a fresh"
                    + " server's CPU per request settled only after about %d s of the suite's warm-up on 2 cores"
                    + " (measured), so the first runs on each server include JIT compilation in their CPU figures"
                    + " and, where the machine is saturated, in their latencies; `--server-warmup %d` gives every"
                    + " server that warm-up.", s.serverWarmupSeconds(), SETTLED_SERVER_WARMUP_SECONDS,
                    SETTLED_SERVER_WARMUP_SECONDS);
        }
        if (s.settleLimitSeconds() == 0 && s.runs("strategies")
                && s.balancerWarmupSeconds() < SETTLED_BALANCER_WARMUP_SECONDS) {
            preamble += String.format(Locale.ROOT, " ⚠ The strategy study's balancer had %d s of warm-up: a balancer"
                    + " warmed up 2 s left the strategies' p99 on even backends 36 to 487 ms apart, one warmed up"
                    + " 8 s 15 to 27 ms (measured), so its first strategy runs include JIT compilation;"
                    + " `--balancer-warmup %d` or more avoids it.", s.balancerWarmupSeconds(),
                    SETTLED_BALANCER_WARMUP_SECONDS);
        }
        return preamble;
    }

    /** The environment and settings, as name and value. */
    static Map<String, String> environment(SuiteResults results) {
        SuiteEnvironment e = results.environment();
        SuitePlan s = results.settings();
        Map<String, String> lines = new LinkedHashMap<>();
        lines.put("JDK", e.jdk() + " (" + e.jdkVendor() + ")");
        lines.put("machine", e.cores() + " cores, " + e.cpuModel() + ", " + e.memoryBytes() / (1024 * 1024 * 1024)
                + " GiB, " + e.os() + " " + e.arch());
        lines.put("git commit", e.gitCommit() == null ? "unknown" : e.gitCommit());
        lines.put("started", e.startedAt() + ", finished " + results.suite().finishedAt());
        lines.put("settings", "phases " + s.phases() + "; models " + s.models() + ", lanes " + s.disciplines()
                + " (closed loop: " + s.modelDisciplines() + "), concurrency " + s.concurrencies() + ", loads "
                + s.loadFractions() + " of capacity; workers: threads " + s.poolWorkers() + ", virtual-threads/async "
                + s.permitWorkers() + ", overload runs and backends " + s.overloadWorkers() + "; client deadline "
                + s.deadlineMillis() + " ms; strategy study: " + s.instances() + "× " + s.balancerModel()
                + " behind the balancer, strategies " + s.strategies() + ", scenarios " + s.scenarios()
                + " (one-slow: --slowdown " + s.slowdown() + "), loads " + s.strategyLoadFractions()
                + " of its capacity; " + s.repeats() + " repeats");
        lines.put("JVM options", "servers " + s.serverJvmOptions() + ", client " + s.clientJvmOptions());
        lines.put("priority", (s.serverNice() == 0 ? "servers and balancer at the suite's niceness, as the client"
                : "servers and balancer at nice " + s.serverNice() + ", the client at the suite's (--server-nice)")
                + (s.clientRealtime() ? "; the client's event loops at real-time priority in open loops"
                + " (--client-realtime; what each run got: the client line)" : ""));
        client(results).ifPresent(client -> lines.put("client", client));
        warmUps(results).ifPresent(warmUps -> lines.put("warm-ups", warmUps));
        Map<String, Double> capacities = results.capacities();
        if (!capacities.isEmpty()) {
            List<String> parts = new ArrayList<>();
            capacities.forEach((model, rps) -> parts.add(model + " " + Format.number(rps, 0) + " req/s"));
            lines.put("measured capacity (overload runs' workers)", String.join(", ", parts));
        }
        return lines;
    }

    /**
     * What carried the requests and what the client cost: every transport its runs name, and its
     * CPU over each run's measured window as a share of the machine's cores (median and highest).
     */
    static Optional<String> client(SuiteResults results) {
        List<Double> shares = new ArrayList<>();
        Set<String> transports = new LinkedHashSet<>();
        for (SuiteResults.Run run : results.runs()) {
            if (run.result() != null) {
                shares.add(run.result().clientCpuUtilization());
                transports.add(run.result().environment().transport());
            }
        }
        if (shares.isEmpty()) {
            return Optional.empty();
        }
        Collections.sort(shares);
        double median = shares.size() % 2 == 1 ? shares.get(shares.size() / 2)
                : (shares.get(shares.size() / 2 - 1) + shares.get(shares.size() / 2)) / 2;
        return Optional.of(String.format(Locale.ROOT, "one process (client.jar batch) for every run, %s; its CPU over a"
                        + " run's measured window: median %.1f%%, at most %.1f%% of the %d cores", String.join(" / ",
                transports), median * 100, shares.getLast() * 100, results.environment().cores()));
    }

    /**
     * How long the warm-ups ran and how they ended: the rule, then the servers apart from the
     * strategy study's balancers (which warm their backends with them, so that their warm-ups watch
     * several processes), e.g. "servers (2 s at least): 6 (6–10) s, 21 of 21 settled". Empty when
     * the suite kept none (one restored from the history, or written before warm-ups were kept).
     */
    static Optional<String> warmUps(SuiteResults results) {
        List<WarmUp> warmUps = results.suite().warmUps();
        if (warmUps == null || warmUps.isEmpty()) {
            return Optional.empty();
        }
        SuitePlan s = results.settings();
        List<String> parts = new ArrayList<>();
        warmUpsOf("servers", s.serverWarmupSeconds(), warmUps.stream()
                .filter(w -> w.processes() == 1).toList()).ifPresent(parts::add);
        warmUpsOf("balancers with their backends", s.balancerWarmupSeconds(), warmUps.stream()
                .filter(w -> w.processes() > 1).toList()).ifPresent(parts::add);
        String rule = s.settleLimitSeconds() == 0 ? "fixed (--settle-limit 0)" : String.format(Locale.ROOT,
                "each at least its --server-warmup or --balancer-warmup, then on by %d s while the JIT compiler"
                        + " threads of the processes it warmed used more than %.1f core, %d s at most (--settle-limit)",
                WarmUp.SETTLE_STEP_SECONDS, WarmUp.SETTLED_COMPILER_CORES, s.settleLimitSeconds());
        return Optional.of(rule + "; " + String.join("; ", parts));
    }

    private static Optional<String> warmUpsOf(String what, int minimumSeconds, List<WarmUp> warmUps) {
        List<WarmUp> ran = warmUps.stream().filter(w -> w.ending() != WarmUp.Ending.NONE).toList();
        if (ran.isEmpty()) {
            return warmUps.isEmpty() ? Optional.empty() : Optional.of(what + ": none (0 s asked)");
        }
        Spread seconds = Spread.of(ran.stream().map(WarmUp::seconds).toList());
        long settled = ran.stream().filter(w -> w.ending() == WarmUp.Ending.SETTLED).count();
        List<WarmUp> limited = ran.stream().filter(w -> w.ending() == WarmUp.Ending.LIMIT).toList();
        String text = String.format(Locale.ROOT, "%s (%d s at least): %s s", what, minimumSeconds, seconds.format(0));
        if (settled > 0 || !limited.isEmpty()) {
            text += String.format(Locale.ROOT, ", %d of %d settled", settled, ran.size());
        }
        if (!limited.isEmpty()) {
            Spread cores = Spread.of(limited.stream().map(WarmUp::compilerCores).toList());
            text += String.format(Locale.ROOT, " ⚠ %d stopped at the limit with the compilers at %s cores: their"
                    + " first runs include JIT compilation", limited.size(), cores.format(2));
        }
        return Optional.of(text);
    }

    /** Markdown bullets, one per line. */
    static String howToRead() {
        return """
                - **Closed loop** tables compare the concurrency models: how throughput grows with the number of \
                clients, and what each request costs in server CPU. A bounded platform pool stops growing at \
                workers / io_ms; virtual threads and async keep going until the CPU is the limit.
                - **Goodput under overload** is where FIFO and LIFO differ most. Past capacity a FIFO queue grows \
                until every request waits longer than the client's deadline: the server stays busy answering \
                requests nobody waits for any more, and goodput falls towards zero. LIFO serves the newest \
                request first, so most answers still arrive in time and goodput stays near capacity, at the \
                price of a long tail for the unlucky oldest ones (the p99). Adaptive LIFO and CoDel (in \
                `--full`) keep FIFO's fairness while the queue is healthy and shed or reorder only when it is not.
                - **The client deadline matters** because without one an overloaded FIFO server looks merely slow; \
                with one, as real users and RPC clients have, its answers arrive too late to count.
                - **Queue wait vs service** tells whether latency came from waiting for a worker or from the work \
                itself.
                - **The balancer's spread** shows how evenly the strategy used the backends; its CPU per request \
                next to the backends' shows what the proxy costs on the same machine.
                - A run marked ⚠ may have been limited by the client, in the client's own judgement (its \
                `result.json`): it used most of a saturated machine, or its open loop fell behind its timetable \
                by more than a tenth of the run's latency p99 (the client lag column); or the hypervisor stole CPU \
                during it. It is not a server figure. The machine wake-up column is how late the machine woke a \
                sleeping thread of the client's meanwhile: a client lag about as large is the machine's scheduling, \
                not the generator's.""";
    }
}
