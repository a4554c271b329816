package dev.loadlab.suite.report;

import dev.loadlab.client.output.ResultDocument;
import dev.loadlab.suite.results.SuiteResults;
import dev.loadlab.suite.results.SuiteResults.Run;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The comparisons the report states in words, each only as strong as the repeats allow: "LIFO keeps
 * 86% of the offered load as goodput, FIFO 45%" when every repeat of one lies above every repeat of
 * the other, "within noise" when their ranges overlap, and "one repeat: no range" when a suite ran
 * each cell once.
 */
final class Findings {
    /** The share answered in time at or above which a FIFO lane counts as having answered a burst in full. */
    private static final double BURST_IN_TIME = 0.99;

    private Findings() {
    }

    static List<String> of(SuiteResults results) {
        List<String> findings = new ArrayList<>();
        overload(results, findings);
        strategies(results, findings);
        models(results, findings);
        return findings;
    }

    /**
     * At each load past capacity, per model: the lanes' goodput, best first; and the share of the
     * offered requests each answered within the deadline, which a short run can rank the other way
     * (a FIFO queue still inside the deadline answers everything in time, late in the window). Then,
     * when FIFO's queue stayed inside the deadline, that the runs were a burst (see {@link #fifoBurst}).
     */
    private static void overload(SuiteResults results, List<String> findings) {
        List<Cell> cells = Cell.of(results.phase("overload")).stream().filter(Cell::measuredAtAll).toList();
        List<Double> loads = cells.stream().map(cell -> cell.record().loadFraction()).filter(f -> f >= 1.0)
                .distinct().sorted().toList();
        List<String> models = cells.stream().map(Cell::model).distinct().toList();
        for (double load : loads) {
            for (String model : models) {
                List<Cell> lanes = cells.stream()
                        .filter(cell -> cell.model().equals(model) && cell.record().loadFraction() == load).toList();
                if (lanes.size() < 2) {
                    continue;
                }
                String subject = String.format(Locale.ROOT, "At %s of capacity, %s", Format.percent(load), model);
                findings.add(compare(subject, lanes, Cell::discipline, ReportTables::goodputFraction, true,
                        "of the offered load as goodput", false));
                findings.add(compare(subject, lanes, Cell::discipline, ReportTables::answeredInTimeFraction, true,
                        "of the offered requests answered in time", false));
            }
            fifoBurst(load, cells.stream().filter(cell -> cell.record().loadFraction() == load
                    && cell.discipline().equals("fifo")).toList()).ifPresent(findings::add);
        }
    }

    /**
     * Whether a load past capacity was a burst for FIFO: its queue never reached the deadline, so
     * FIFO answered every request in time and a short run ranks it first by that share. A FIFO
     * queue past capacity grows at a steady rate from the load's first slot (warm-up included), so
     * its longest wait over the run's length is that rate, and the deadline over the rate is when a
     * sustained load of the same excess would pass it. Empty when every FIFO lane passed the
     * deadline (the sustained regime is what the runs show) or none ran.
     */
    private static Optional<String> fifoBurst(double load, List<Cell> fifoLanes) {
        List<String> waits = new ArrayList<>();
        List<String> passes = new ArrayList<>();
        double latestPassSeconds = 0;
        ResultDocument.Settings burst = null;
        for (Cell lane : fifoLanes) {
            ResultDocument.Settings settings = lane.used().getFirst().result().settings();
            if (settings.durationMs() == null) {
                continue;
            }
            double loadSeconds = (settings.warmupMs() + settings.durationMs()) / 1e3;
            double longestWaitSeconds = lane.spread(run -> run.histogram("server_queued").maxMs() / 1e3).median();
            double inTime = lane.spread(ReportTables::answeredInTimeFraction).median();
            if (!(longestWaitSeconds > 0 && longestWaitSeconds * 1e3 < settings.timeoutMs() && inTime >= BURST_IN_TIME)) {
                continue;
            }
            double passSeconds = settings.timeoutMs() / 1e3 * loadSeconds / longestWaitSeconds;
            latestPassSeconds = Math.max(latestPassSeconds, passSeconds);
            waits.add(String.format(Locale.ROOT, "%.2f s (%s)", longestWaitSeconds, lane.model()));
            passes.add(String.format(Locale.ROOT, "%.1f s (%s)", passSeconds, lane.model()));
            burst = settings;
        }
        if (burst == null) {
            return Optional.empty();
        }
        double warmupSeconds = burst.warmupMs() / 1e3;
        long pastThePass = Math.max(burst.durationMs() / 1_000 + 1, (long) Math.ceil(2 * latestPassSeconds - warmupSeconds));
        return Optional.of(String.format(Locale.ROOT, "At %s of capacity, FIFO's queue stayed inside the %,d ms"
                + " deadline: its longest wait %s, after %s s of load. These runs are a burst, and FIFO answers"
                + " a burst in full. Sustained, going by its growth here, its queue would pass the deadline after"
                + " about %s of load; runs measured well past that show the other regime: --duration %d or longer"
                + " (or --full).", Format.percent(load), burst.timeoutMs(), String.join(", ", waits),
                Format.number(warmupSeconds + burst.durationMs() / 1e3, 0), String.join(", ", passes), pastThePass));
    }

    /**
     * Per scenario and load: the strategies' p99, lowest first; where a backend is faulty, each
     * strategy's p99 next to round-robin's, and the share of the offered requests it answered
     * within the deadline, against the study's aim (a third of round-robin's p99 or less, 95% of
     * the offered requests answered in time or more).
     */
    private static void strategies(SuiteResults results, List<String> findings) {
        List<Cell> cells = Cell.of(results.phase("strategies")).stream().filter(Cell::measuredAtAll).toList();
        for (String scenario : StrategyTables.scenarios(cells)) {
            List<Double> loads = cells.stream().filter(cell -> scenario.equals(cell.record().scenario()))
                    .map(cell -> cell.record().loadFraction()).distinct().sorted().toList();
            for (double load : loads) {
                List<Cell> strategies = cells.stream().filter(cell -> scenario.equals(cell.record().scenario())
                        && cell.record().loadFraction() == load).toList();
                if (strategies.size() < 2) {
                    continue;
                }
                String subject = String.format(Locale.ROOT, "%s at %s of capacity, p99", scenario, Format.percent(load));
                findings.add(compare(subject, strategies, cell -> cell.record().strategy(),
                        run -> run.histogram("latency").p99Ms(), false, "ms", true));
                Cell roundRobin = strategies.stream().filter(cell -> cell.record().strategy().equals("round-robin"))
                        .findFirst().orElse(null);
                if (roundRobin == null || scenario.equals("even")) {
                    continue;
                }
                double rrP99 = roundRobin.spread(run -> run.histogram("latency").p99Ms()).median();
                List<String> aims = new ArrayList<>();
                for (Cell cell : strategies) {
                    if (cell == roundRobin) {
                        continue;
                    }
                    double p99 = cell.spread(run -> run.histogram("latency").p99Ms()).median();
                    double inTime = cell.spread(ReportTables::answeredInTimeFraction).median();
                    boolean meets = p99 <= rrP99 / 3 && inTime >= 0.95;
                    aims.add(String.format(Locale.ROOT, "%s %.2f× round-robin's p99 with %s answered in time (%s)",
                            cell.record().strategy(), p99 / rrP99, Format.percent(inTime), meets ? "meets the aim"
                                    : "misses it"));
                }
                findings.add(String.format(Locale.ROOT, "%s at %s: %s. The aim: at most a third of round-robin's p99"
                        + " and at least 95%% of the offered requests answered within the deadline.", scenario,
                        Format.percent(load), String.join("; ", aims)));
            }
        }
    }

    /** At the highest concurrency: the models' throughput, best first. */
    private static void models(SuiteResults results, List<String> findings) {
        List<Cell> cells = Cell.of(results.phase("models")).stream().filter(Cell::measuredAtAll).toList();
        int highest = cells.stream().mapToInt(cell -> cell.record().concurrency()).max().orElse(0);
        for (String lane : cells.stream().map(Cell::discipline).distinct().toList()) {
            List<Cell> models = cells.stream()
                    .filter(cell -> cell.record().concurrency() == highest && cell.discipline().equals(lane)).toList();
            if (models.size() >= 2) {
                findings.add(compare("At concurrency " + highest + " (" + lane + " lane)", models, Cell::model,
                        Run::successfulRps, false, "requests/s", false));
            }
        }
    }

    private interface Label {
        String of(Cell cell);
    }

    /**
     * "{@code subject}: A 86% (84–88%), B 45% (40–47%) {@code unit}; A over B in every repeat", or
     * "... within noise", for each pair of neighbours, best first: highest first, or lowest first
     * when {@code lowerIsBetter}.
     */
    private static String compare(String subject, List<Cell> cells, Label label, ToDoubleFunction<Run> figure,
            boolean percent, String unit, boolean lowerIsBetter) {
        Comparator<Cell> byMedian = Comparator.comparingDouble((Cell cell) -> cell.spread(figure).median());
        List<Cell> ranked = cells.stream().sorted(lowerIsBetter ? byMedian : byMedian.reversed()).toList();
        List<String> values = new ArrayList<>();
        for (Cell cell : ranked) {
            Spread spread = cell.spread(figure);
            values.add(label.of(cell) + " " + (percent ? spread.formatPercent() : spread.format(lowerIsBetter ? 1 : 0)));
        }
        List<String> verdicts = new ArrayList<>();
        for (int i = 0; i + 1 < ranked.size(); i++) {
            Spread upper = ranked.get(i).spread(figure);
            Spread lower = ranked.get(i + 1).spread(figure);
            String pair = label.of(ranked.get(i)) + (lowerIsBetter ? " under " : " over ") + label.of(ranked.get(i + 1));
            if (upper.count() < 2 || lower.count() < 2) {
                verdicts.add(pair + ": one repeat, no range to judge by");
            } else if (upper.separatedFrom(lower)) {
                verdicts.add(pair + ": in every repeat");
            } else {
                verdicts.add(pair + ": within noise (the repeats' ranges overlap)");
            }
        }
        long disturbed = ranked.stream().flatMap(cell -> cell.used().stream()).filter(run -> run.record().disturbed())
                .count();
        return subject + ": " + String.join(", ", values) + " " + unit + ". " + String.join("; ", verdicts) + "."
                + (disturbed == 0 ? "" : " ⚠ " + disturbed + " of these runs were disturbed: not a clean comparison.");
    }
}
