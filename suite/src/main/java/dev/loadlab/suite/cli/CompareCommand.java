package dev.loadlab.suite.cli;

import dev.loadlab.suite.history.Comparison;
import dev.loadlab.suite.history.HistoryStore;
import dev.loadlab.suite.history.PlainTable;
import dev.loadlab.suite.history.StoredSuite;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code suite compare A B}: B's cells against A's, with a verdict from the repeats. Exit 0, or
 * with {@code --fail-on-regression PCT} 1 when a headline figure got worse beyond noise by more
 * than PCT (for CI).
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compares two suites of the history cell by cell: both medians over the repeats, the change,",
            "and a verdict (faster, slower, within noise, too few repeats) from a Mann-Whitney U test on the repeats.",
            "A and B are suite ids (see 'history'), or 'last' and 'previous' (the newest complete suites);",
            "the change is B against A."})
public final class CompareCommand implements Callable<Integer> {
    /** Exit code when a headline figure regressed beyond noise by more than --fail-on-regression. */
    static final int REGRESSION = 1;

    @Spec
    private CommandSpec spec;

    @Mixin
    private HistoryOptions history;

    @Parameters(index = "0", paramLabel = "A", description = "The base suite: an id, 'last' or 'previous'.")
    private String base;

    @Parameters(index = "1", paramLabel = "B", description = "The suite compared with it.")
    private String candidate;

    @Option(names = "--alpha", paramLabel = "P", description = "The test's significance level, 0.001..0.5 (default: ${DEFAULT-VALUE}).")
    private double alpha = 0.05;

    @Option(names = "--min-change", paramLabel = "PCT",
            description = "The smallest change of the median, in %%, that is called faster or slower, 0..1000 (default: ${DEFAULT-VALUE}).")
    private double minChangePercent = 5;

    @Option(names = "--fail-on-regression", paramLabel = "PCT",
            description = "Exit 1 when goodput or p99 of any cell got worse beyond noise by more than PCT %%, 0..1000.")
    private Double failOnRegression;

    @Override
    public Integer call() throws SQLException {
        if (!(alpha >= 0.001 && alpha <= 0.5)) {
            throw new ParameterException(spec.commandLine(), "--alpha must be from 0.001 to 0.5, got " + alpha);
        }
        if (!(minChangePercent >= 0 && minChangePercent <= 1000)) {
            throw new ParameterException(spec.commandLine(), "--min-change must be from 0 to 1000, got " + minChangePercent);
        }
        if (failOnRegression != null && !(failOnRegression >= 0 && failOnRegression <= 1000)) {
            throw new ParameterException(spec.commandLine(), "--fail-on-regression must be from 0 to 1000, got "
                    + failOnRegression);
        }
        try (HistoryStore store = history.openExisting(spec)) {
            StoredSuite a = find(store, base);
            StoredSuite b = find(store, candidate);
            Comparison comparison = store.compare(a, b, alpha, minChangePercent);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("A: #%d %s, commit %s, %s%s%n", a.id(), a.startedAt(), a.commit(), a.whatRan(), incomplete(a));
            out.printf("B: #%d %s, commit %s, %s%s%n", b.id(), b.startedAt(), b.commit(), b.whatRan(), incomplete(b));
            if (!a.conditions().equals(b.conditions())) {
                out.println("⚠ measured under different conditions (io_ms, cpu_ms, run length, warm-up or cores): "
                        + a.conditions() + " against " + b.conditions());
            }
            out.println(comparison.method());
            if (comparison.rows().isEmpty()) {
                out.println("no cell in common");
                return 0;
            }
            out.println();
            out.print(PlainTable.of(List.of("phase", "cell", "figure", "A #" + a.id(), "B #" + b.id(), "change",
                    "verdict"), comparison.cells()));
            Map<String, Integer> counts = new TreeMap<>();
            comparison.rows().forEach(row -> counts.merge(row.verdict().toString(), 1, Integer::sum));
            out.println();
            out.println(String.join(", ", counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).toList()));
            if (failOnRegression != null) {
                List<Comparison.Row> regressions = comparison.regressions(failOnRegression);
                for (Comparison.Row row : regressions) {
                    out.printf(Locale.ROOT, "regression: %s (worse by more than %s%%)%n", row.describe(),
                            failOnRegression);
                }
                if (!regressions.isEmpty()) {
                    out.flush();
                    return REGRESSION;
                }
            }
            return 0;
        }
    }

    private StoredSuite find(HistoryStore store, String reference) throws SQLException {
        return store.find(reference).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "no suite '" + reference + "' in " + store.file() + " (see 'history'; 'last' and 'previous' need"
                        + " complete suites)"));
    }

    private static String incomplete(StoredSuite suite) {
        return suite.complete() ? "" : " (" + suite.state() + ")";
    }
}
