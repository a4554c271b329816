package dev.loadlab.suite.report;

import dev.loadlab.suite.results.RunRecord;
import dev.loadlab.suite.results.SuiteResults.Run;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * All repeats of one cell of the matrix (one model, lane, load, ...), and which of them its
 * figures are taken over: the repeats the machine did not disturb, when at least
 * {@value #ENOUGH_CLEAN} are clean; otherwise every measured repeat, and the cell says so.
 */
record Cell(String key, List<Run> runs) {
    /** Clean repeats needed to leave the disturbed ones out of a cell's figures. */
    static final int ENOUGH_CLEAN = 2;

    /** The cells of {@code runs}, in the order their first repeat ran. */
    static List<Cell> of(List<Run> runs) {
        Map<String, List<Run>> byCell = new LinkedHashMap<>();
        runs.forEach(run -> byCell.computeIfAbsent(run.record().cell(), key -> new ArrayList<>()).add(run));
        return byCell.entrySet().stream().map(e -> new Cell(e.getKey(), List.copyOf(e.getValue()))).toList();
    }

    /** The first repeat's record: what every repeat of the cell shares (model, lane, load, ...). */
    RunRecord record() {
        return runs.getFirst().record();
    }

    List<Run> measured() {
        return runs.stream().filter(Run::measured).toList();
    }

    List<Run> disturbed() {
        return measured().stream().filter(run -> run.record().disturbed()).toList();
    }

    /** The repeats the cell's figures are taken over. */
    List<Run> used() {
        List<Run> clean = measured().stream().filter(run -> !run.record().disturbed()).toList();
        return clean.size() >= ENOUGH_CLEAN || clean.size() == measured().size() ? clean : measured();
    }

    /** True when disturbed repeats are left out of the figures. */
    boolean leavesOutDisturbed() {
        return !disturbed().isEmpty() && used().size() < measured().size();
    }

    boolean measuredAtAll() {
        return !measured().isEmpty();
    }

    /** One figure over the used repeats. */
    Spread spread(ToDoubleFunction<Run> figure) {
        return Spread.of(used().stream().map(run -> figure.applyAsDouble(run)).toList());
    }

    String model() {
        return record().model();
    }

    String discipline() {
        return record().discipline();
    }
}
