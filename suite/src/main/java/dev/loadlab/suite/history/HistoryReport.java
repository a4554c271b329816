package dev.loadlab.suite.history;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loadlab.suite.history.CellRun.CellKey;
import dev.loadlab.suite.history.ChangePoints.ChangePoint;
import dev.loadlab.suite.history.StoredSuite.Conditions;
import dev.loadlab.suite.report.ReportAddendum;
import dev.loadlab.suite.results.SuiteResults;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The history's part of a suite's report. "Compared with": the suite against the newest earlier
 * complete suite of the history measured under the same {@link Conditions} that shares cells with
 * it, as {@code compare} prints it. "Trends over the history": for each headline figure of each
 * phase, the median of every cell over the last {@value #TREND_SUITES} such suites up to this one,
 * and the {@link ChangePoints} of each series, listed, and marked on the HTML report's charts.
 * Nothing when the history holds no such suite.
 */
public final class HistoryReport implements ReportAddendum {
    /** Suites a trend goes back over, at most. */
    static final int TREND_SUITES = 30;
    private static final List<String> TREND_PHASES = List.of("models", "overload", "strategies");

    private final List<Section> sections;
    private final ObjectNode charts;

    private HistoryReport(List<Section> sections, ObjectNode charts) {
        this.sections = sections;
        this.charts = charts;
    }

    /**
     * The addendum with the default thresholds; nothing, with one line on {@code warnings}, when the
     * history cannot be read: the report is written all the same.
     */
    public static ReportAddendum orNothing(HistoryStore store, SuiteResults results, java.io.PrintStream warnings) {
        try {
            return of(store, results, Comparison.DEFAULT_ALPHA, Comparison.DEFAULT_MIN_CHANGE_PERCENT);
        } catch (SQLException e) {
            warnings.println("  ⚠ history: cannot read " + store.file() + " (" + e.getMessage()
                    + "): the report has no comparison");
            return ReportAddendum.NONE;
        }
    }

    /** The addendum of {@code results}'s report from {@code store}, with a comparison's thresholds. */
    public static ReportAddendum of(HistoryStore store, SuiteResults results, double alpha, double minChangePercent)
            throws SQLException {
        String startedAt = results.environment().startedAt();
        Conditions conditions = new Conditions(results.settings().ioMillis(), results.settings().cpuMillis(),
                results.settings().durationSeconds(), results.settings().warmupSeconds(), results.environment().cores());
        List<CellRun> current = results.runs().stream().map(run -> CellRun.of(RunColumns.values(run))).toList();
        Optional<StoredSuite> self = store.suiteStartedAt(startedAt);
        List<StoredSuite> earlier = store.suites().stream()
                .filter(s -> s.complete() && s.conditions().equals(conditions) && s.startedAt().compareTo(startedAt) < 0)
                .filter(s -> self.isEmpty() || s.id() != self.get().id()).toList();
        ObjectNode charts = SuiteResults.mapper().createObjectNode();
        List<Section> sections = new ArrayList<>();
        Map<Long, List<CellRun>> runsBySuite = new LinkedHashMap<>();
        for (StoredSuite suite : earlier.subList(Math.max(0, earlier.size() - (TREND_SUITES - 1)), earlier.size())) {
            runsBySuite.put(suite.id(), store.cellRuns(suite.id()));
        }
        for (int i = earlier.size() - 1; i >= 0; i--) {
            StoredSuite previous = earlier.get(i);
            List<CellRun> before = runsBySuite.containsKey(previous.id()) ? runsBySuite.get(previous.id())
                    : store.cellRuns(previous.id());
            Comparison comparison = Comparison.of(before, current, alpha, minChangePercent);
            if (!comparison.rows().isEmpty()) {
                sections.add(new Section("history-compared", "Compared with suite #" + previous.id() + " ("
                        + previous.startedAt() + ", commit " + previous.commit() + ")",
                        "The newest earlier complete suite of the history (" + store.file() + ") under the same"
                                + " conditions (io_ms, cpu_ms, run length, warm-up, cores), cell by cell: its median"
                                + " and this suite's (repeats in brackets), the change, and the verdict. "
                                + comparison.method(),
                        List.of("phase", "cell", "figure", "#" + previous.id(), "this suite", "change", "verdict"),
                        comparison.cells(), List.of()));
                break;
            }
        }
        if (self.isPresent() && !runsBySuite.isEmpty()) {
            runsBySuite.put(self.get().id(), current);
            trends(runsBySuite, alpha, minChangePercent, sections, charts);
        }
        return new HistoryReport(List.copyOf(sections), charts);
    }

    private static void trends(Map<Long, List<CellRun>> runsBySuite, double alpha, double minChangePercent,
            List<Section> sections, ObjectNode charts) {
        List<Chart> drawn = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        List<CellRun> current = runsBySuite.get(runsBySuite.keySet().stream().reduce((a, b) -> b).orElseThrow());
        for (String phase : TREND_PHASES) {
            List<CellKey> cells = current.stream().map(CellRun::key).filter(key -> key.phase().equals(phase))
                    .distinct().toList();
            for (Figure figure : Figure.values()) {
                if (!figure.headline() || cells.isEmpty()) {
                    continue;
                }
                String id = "trend-" + phase + "-" + figure.name().toLowerCase(Locale.ROOT);
                ObjectNode chart = SuiteResults.mapper().createObjectNode().put("x", "suite #").put("y", figure.label());
                ArrayNode series = chart.putArray("series");
                ArrayNode changes = chart.putArray("changes");
                boolean anyHistory = false;
                for (CellKey cell : cells) {
                    List<Long> ids = new ArrayList<>();
                    List<Double> medians = new ArrayList<>();
                    runsBySuite.forEach((suiteId, runs) -> {
                        double[] values = Comparison.used(runs.stream().filter(run -> run.key().equals(cell)).toList())
                                .stream().map(run -> run.figures().get(figure)).filter(v -> v != null)
                                .mapToDouble(Double::doubleValue).toArray();
                        if (values.length > 0) {
                            ids.add(suiteId);
                            medians.add(Comparison.median(values));
                        }
                    });
                    if (medians.size() < 2) {
                        continue;
                    }
                    anyHistory = true;
                    ArrayNode points = series.addObject().put("label", cell.describe()).putArray("points");
                    for (int i = 0; i < medians.size(); i++) {
                        points.addArray().add(ids.get(i)).add(medians.get(i));
                    }
                    double[] values = medians.stream().mapToDouble(Double::doubleValue).toArray();
                    for (ChangePoint point : ChangePoints.find(values, alpha, minChangePercent)) {
                        long at = ids.get(point.index());
                        changes.addObject().put("x", at).put("label", cell.describe());
                        rows.add(List.of(phase, cell.describe(), figure.label(), "#" + at,
                                Comparison.number(point.meanBefore(), figure.decimals()),
                                Comparison.number(point.meanAfter(), figure.decimals()),
                                String.format(Locale.ROOT, "%+.1f%%", point.changePercent()),
                                String.format(Locale.ROOT, "%.3f", point.pValue())));
                    }
                }
                if (anyHistory) {
                    charts.set(id, chart);
                    drawn.add(new Chart(id, phase + ": " + figure.label() + " by suite (median of the repeats;"
                            + " dashed: change points)"));
                }
            }
        }
        if (drawn.isEmpty()) {
            return;
        }
        if (rows.isEmpty()) {
            rows.add(List.of("—", "no change point", "", "", "", "", "", ""));
        }
        sections.add(new Section("history-trends", "Trends over the history",
                String.format(Locale.ROOT, "Each headline figure's median per suite over the last %d comparable"
                        + " suites up to this one. A change point is where Student's t-test on the windows either side"
                        + " (%d to %d suites each, never across another change point) rejects equal means at alpha %s"
                        + " after a Bonferroni correction for the candidate points, and the mean moved by at least %s%%.",
                        TREND_SUITES, ChangePoints.MIN_WINDOW, ChangePoints.MAX_WINDOW, alpha, minChangePercent),
                List.of("phase", "cell", "figure", "from suite", "mean before", "mean after", "change", "p"), rows,
                List.copyOf(drawn)));
    }

    @Override
    public List<Section> sections() {
        return sections;
    }

    @Override
    public ObjectNode chartData(ObjectNode data) {
        return data.setAll(charts);
    }
}
