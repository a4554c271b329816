package dev.loadlab.suite.history;

import dev.loadlab.suite.history.CellRun.CellKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Two suites' matching cells set side by side, figure by figure: both medians over the repeats,
 * the change in %, and a verdict from the repeats themselves, never from one pair of numbers.
 *
 * <p>The verdict. A two-sided {@link MannWhitney} test on the two sets of repeats at level
 * {@code alpha}; a change is {@code faster} or {@code slower} only when the test rejects equality
 * and the medians differ by at least {@code minChangePercent}, so that a real but tiny shift is
 * not news; otherwise {@code within noise}. When even two completely separated sets of repeats of
 * these sizes could not reach alpha ({@link MannWhitney#smallestPValue}), the verdict is
 * {@code too few repeats}. Faster means better for the figure: more goodput, less latency.
 *
 * <p>The repeats are a cell's measured runs, leaving out those the machine disturbed when at
 * least two clean ones remain, as the report does.
 */
public final class Comparison {
    /** The significance level {@code compare} and the report use unless told otherwise. */
    public static final double DEFAULT_ALPHA = 0.05;
    /** The smallest change, in % of the median, called faster or slower unless told otherwise. */
    public static final double DEFAULT_MIN_CHANGE_PERCENT = 5;
    /** Clean repeats needed to leave the disturbed ones out: the report's rule. */
    static final int ENOUGH_CLEAN = 2;

    /** The verdict on one figure of one cell. */
    public enum Verdict {
        FASTER("faster"), SLOWER("slower"), WITHIN_NOISE("within noise"), TOO_FEW_REPEATS("too few repeats");

        private final String text;

        Verdict(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * One figure of one cell in both suites.
     *
     * @param changePercent new median against the base median, in %; NaN when the base is 0
     * @param pValue        the Mann-Whitney test's two-sided p-value
     */
    public record Row(CellKey key, Figure figure, double[] base, double[] candidate, double baseMedian,
                      double candidateMedian, double changePercent, double pValue, Verdict verdict) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Row row && key.equals(row.key) && figure == row.figure
                    && Arrays.equals(base, row.base) && Arrays.equals(candidate, row.candidate);
        }

        @Override
        public int hashCode() {
            return Objects.hash(key, figure, Arrays.hashCode(base), Arrays.hashCode(candidate));
        }

        /** {@code overload async lifo 120% p99 ms +12.3%}. */
        public String describe() {
            return String.format(Locale.ROOT, "%s %s %s %+.1f%%", key.phase(), key.describe(), figure.label(),
                    changePercent);
        }

        @Override
        public String toString() {
            return describe() + ": " + verdict;
        }
    }

    private final double alpha;
    private final double minChangePercent;
    private final List<Row> rows;

    private Comparison(double alpha, double minChangePercent, List<Row> rows) {
        this.alpha = alpha;
        this.minChangePercent = minChangePercent;
        this.rows = rows;
    }

    /**
     * Compares {@code candidate}'s runs with {@code base}'s, cell by cell (the cells both have, in
     * the order {@code candidate} ran them), figure by figure.
     */
    static Comparison of(List<CellRun> base, List<CellRun> candidate, double alpha, double minChangePercent) {
        Map<CellKey, List<CellRun>> baseCells = byCell(base);
        List<Row> rows = new ArrayList<>();
        byCell(candidate).forEach((key, runs) -> {
            List<CellRun> before = baseCells.get(key);
            if (before == null) {
                return;
            }
            for (Figure figure : Figure.values()) {
                double[] a = values(used(before), figure);
                double[] b = values(used(runs), figure);
                if (a.length > 0 && b.length > 0) {
                    rows.add(row(key, figure, a, b, alpha, minChangePercent));
                }
            }
        });
        return new Comparison(alpha, minChangePercent, List.copyOf(rows));
    }

    static Row row(CellKey key, Figure figure, double[] base, double[] candidate, double alpha,
            double minChangePercent) {
        double baseMedian = median(base);
        double candidateMedian = median(candidate);
        double change = baseMedian == 0 ? Double.NaN : (candidateMedian - baseMedian) / Math.abs(baseMedian) * 100;
        double p = MannWhitney.test(base, candidate).pValue();
        Verdict verdict;
        if (MannWhitney.smallestPValue(base.length, candidate.length) > alpha) {
            verdict = Verdict.TOO_FEW_REPEATS;
        } else if (p > alpha || Double.isNaN(change) || Math.abs(change) < minChangePercent) {
            verdict = Verdict.WITHIN_NOISE;
        } else {
            verdict = (change > 0) == figure.higherIsBetter() ? Verdict.FASTER : Verdict.SLOWER;
        }
        return new Row(key, figure, base, candidate, baseMedian, candidateMedian, change, p, verdict);
    }

    public List<Row> rows() {
        return rows;
    }

    public double alpha() {
        return alpha;
    }

    public double minChangePercent() {
        return minChangePercent;
    }

    /** Headline figures that got worse beyond noise by more than {@code percent}. */
    public List<Row> regressions(double percent) {
        return rows.stream().filter(row -> row.figure().headline() && row.verdict() == Verdict.SLOWER
                && Math.abs(row.changePercent()) > percent).toList();
    }

    /** The method in one sentence, with its thresholds. */
    public String method() {
        int enough = 1;
        while (MannWhitney.smallestPValue(enough, enough) > alpha) {
            enough++;
        }
        return String.format(Locale.ROOT, "Verdicts from a two-sided Mann-Whitney U test on the repeats at alpha %s"
                + " and a change of at least %s%% of the median; 'too few repeats' where even fully separated repeats"
                + " could not reach alpha (at %s that takes %d repeats on each side).",
                plain(alpha), plain(minChangePercent), plain(alpha), enough);
    }

    /** The table's header, with the two suites' names. */
    static List<String> header(String base, String candidate) {
        return List.of("phase", "cell", "figure", base, candidate, "change", "verdict");
    }

    /** The rows as table cells: phase, cell, figure, both medians (with their repeats), change, verdict (with p). */
    public List<List<String>> cells() {
        List<List<String>> cells = new ArrayList<>();
        for (Row row : rows) {
            cells.add(List.of(row.key().phase(), row.key().describe(), row.figure().label(),
                    number(row.baseMedian(), row.figure().decimals()) + " (" + row.base().length + ")",
                    number(row.candidateMedian(), row.figure().decimals()) + " (" + row.candidate().length + ")",
                    Double.isNaN(row.changePercent()) ? "—" : String.format(Locale.ROOT, "%+.1f%%", row.changePercent()),
                    row.verdict() + (row.verdict() == Verdict.TOO_FEW_REPEATS ? ""
                            : String.format(Locale.ROOT, " (p=%.3f)", row.pValue()))));
        }
        return cells;
    }

    static String number(double value, int decimals) {
        return Double.isNaN(value) ? "—" : String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }

    private static String plain(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }

    private static Map<CellKey, List<CellRun>> byCell(List<CellRun> runs) {
        Map<CellKey, List<CellRun>> cells = new LinkedHashMap<>();
        runs.forEach(run -> cells.computeIfAbsent(run.key(), key -> new ArrayList<>()).add(run));
        return cells;
    }

    /** The repeats a cell's figures are taken over: its clean measured runs if enough, else all measured. */
    static List<CellRun> used(List<CellRun> runs) {
        List<CellRun> measured = runs.stream().filter(CellRun::measured).toList();
        List<CellRun> clean = measured.stream().filter(run -> !run.disturbed()).toList();
        return clean.size() >= ENOUGH_CLEAN || clean.size() == measured.size() ? clean : measured;
    }

    private static double[] values(List<CellRun> runs, Figure figure) {
        return runs.stream().map(run -> run.figures().get(figure)).filter(Objects::nonNull)
                .mapToDouble(Double::doubleValue).toArray();
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
