package dev.loadlab.suite.report;

import dev.loadlab.suite.results.SuiteResults;
import dev.loadlab.suite.results.SuiteResults.Run;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The comparisons the report states in words, each only as strong as the repeats allow: "LIFO keeps
 * 86% of the offered load as goodput, FIFO 45%" when every repeat of one lies above every repeat of
 * the other, "within noise" when their ranges overlap, and "one repeat: no range" when a suite ran
 * each cell once.
 */
final class Findings {
    private Findings() {
    }

    static List<String> of(SuiteResults results) {
        List<String> findings = new ArrayList<>();
        overload(results, findings);
        models(results, findings);
        return findings;
    }

    /** At each load past capacity, per model: the lanes' goodput, best first. */
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
                findings.add(compare(String.format(Locale.ROOT, "At %s of capacity, %s", Format.percent(load), model),
                        lanes, Cell::discipline, ReportTables::goodputFraction, true, "of the offered load as goodput"));
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
                        Run::successfulRps, false, "requests/s"));
            }
        }
    }

    private interface Label {
        String of(Cell cell);
    }

    /**
     * "{@code subject}: A 86% (84–88%), B 45% (40–47%) {@code unit}; A above B in every repeat", or
     * "... within noise", naming each pair of neighbours whose ranges overlap.
     */
    private static String compare(String subject, List<Cell> cells, Label label, ToDoubleFunction<Run> figure,
            boolean percent, String unit) {
        List<Cell> ranked = cells.stream()
                .sorted(Comparator.comparingDouble((Cell cell) -> cell.spread(figure).median()).reversed()).toList();
        List<String> values = new ArrayList<>();
        for (Cell cell : ranked) {
            Spread spread = cell.spread(figure);
            values.add(label.of(cell) + " " + (percent ? spread.formatPercent() : spread.format(0)));
        }
        List<String> verdicts = new ArrayList<>();
        for (int i = 0; i + 1 < ranked.size(); i++) {
            Spread upper = ranked.get(i).spread(figure);
            Spread lower = ranked.get(i + 1).spread(figure);
            String pair = label.of(ranked.get(i)) + " over " + label.of(ranked.get(i + 1));
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
