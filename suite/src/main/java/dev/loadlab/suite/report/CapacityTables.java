package dev.loadlab.suite.report;

import static dev.loadlab.suite.report.Format.number;
import static dev.loadlab.suite.report.Format.percent;

import dev.loadlab.client.search.SearchDocument;
import dev.loadlab.client.search.SearchStep;
import dev.loadlab.suite.results.SuiteResults;
import dev.loadlab.suite.results.SuiteResults.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * "Capacity, searched": every step of every capacity search, as the client judged it in its
 * {@code search.json} (the report judges nothing again), and the capacity each one found. A
 * search's steps are the runs of phase {@code capacity} or {@code strategies-capacity}; their
 * search file is in the folder above their own.
 */
final class CapacityTables {
    private CapacityTables() {
    }

    static List<Table> of(SuiteResults results) {
        Set<Path> searches = new LinkedHashSet<>();
        List<Run> steps = new ArrayList<>(results.phase("capacity"));
        steps.addAll(results.phase("strategies-capacity"));
        for (Run step : steps) {
            Path parent = Path.of(step.record().resultDir()).getParent();
            if (parent != null) {
                searches.add(parent);
            }
        }
        List<List<String>> rows = new ArrayList<>();
        double slo = Double.NaN;
        for (Path dir : searches) {
            Path file = results.directory().resolve(dir).resolve(SearchDocument.FILE_NAME);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            SearchDocument search;
            try {
                search = SuiteResults.mapper().readValue(file.toFile(), SearchDocument.class);
            } catch (IOException e) {
                continue;
            }
            slo = search.sloGoodput();
            double sloP99Ms = search.sloP99Ms();
            String target = search.label() == null ? dir.getFileName().toString() : search.label();
            for (SearchStep step : search.steps()) {
                rows.add(List.of(target, String.valueOf(step.number()), step.stage(), number(step.rateHz(), 0),
                        number(step.sent(), 0), String.format(Locale.ROOT, "%.1f%%", step.goodputFraction() * 100),
                        number(step.p99Ms(), 2), verdict(step, slo, sloP99Ms)));
            }
            rows.add(List.of(target, "", "capacity", search.capacityRps() > 0 ? number(search.capacityRps(), 0) : "none",
                    "", "", "", search.stopReason()));
        }
        if (rows.isEmpty()) {
            return List.of();
        }
        return List.of(new Table("capacity", "Capacity, searched",
                "The client's own search (client.jar search) against each model's server with the overload workers,"
                        + " and through the balancer: open loops at doubling, then bisected rates, each a step of its"
                        + " own. A step passes when its 2xx answers within the deadline (" + results.settings()
                        .deadlineMillis() + " ms, from each request's intended send time) are at least "
                        + percent(slo) + " of the requests it offered (--capacity-slo), their p99 is within half the"
                        + " deadline (a queue can hold every answer just inside the deadline for a whole short step"
                        + " at a rate past capacity), the server kept up (it answered"
                        + " at 97% of the offered rate or more, so that a queue that grows fails a step before it has"
                        + " grown past the deadline, which a short step cannot wait for), and the client was not the"
                        + " limit (its CPU, the timetable's rate kept, a dispatch-lag p99 within 5% of the deadline)."
                        + " The capacity is the highest rate that passed; the"
                        + " overload and strategy runs' loads are fractions of it.",
                List.of("target", "step", "stage", "req/s", "sent", "good", "p99 ms", "verdict"), rows));
    }

    /** The step's own verdict, a client limit marked ⚠ as everywhere in the report. */
    private static String verdict(SearchStep step, double sloGoodput, double sloP99Ms) {
        String verdict = step.verdict(sloGoodput, sloP99Ms);
        return step.clientLimited() && !step.passed() ? "⚠ " + verdict : verdict;
    }
}
