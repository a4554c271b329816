package dev.loadlab.client.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import dev.loadlab.client.merge.MergeRefusedException;
import dev.loadlab.client.merge.ResultMerge;
import dev.loadlab.client.output.BackendIntervalsFile;
import dev.loadlab.client.output.IntervalLogFile;
import dev.loadlab.client.output.ResultFiles;
import dev.loadlab.client.output.TextReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code client merge DIR...}: the results of N generators ({@code run --generator I/N}) as one
 * result, printed as a run's and written as a run's files. {@link ResultMerge} says what is added,
 * what is refused (exit 2, one line) and what is flagged.
 */
@Command(name = "merge", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Merges the --output folders of N generators (run --generator I/N) into one result:",
                "counts and histograms added exactly, intervals aligned on the shared start.",
                "Refuses results of different loads, or with a generator missing or given twice;",
                "warns of a generator that started later than --start-tolerance."})
public final class MergeCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "DIR", arity = "1..*", description = "The generators' --output folders, in any order.")
    private List<Path> directories;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", order = 1,
            description = "Write the merged result.json, result.csv, *.hgrm, histograms.hlog and backends.csv into DIR.")
    private Path output;

    @Option(names = "--start-tolerance", paramLabel = "TIME", converter = DurationConverter.class,
            defaultValue = "50ms", order = 2,
            description = "Warn of a generator that began sending more than this after its timetable's start"
                    + " or after the earliest generator (default: ${DEFAULT-VALUE}).")
    private Duration startTolerance;

    @Option(names = "--label", paramLabel = "TEXT", order = 3,
            description = "A name for the merged result (default: the generators' label, when they share one).")
    private String label;

    @Option(names = {"-h", "--help"}, usageHelp = true, order = 4, description = "Show this help and exit.")
    private boolean help;

    @Override
    public Integer call() throws IOException {
        if (output != null && directories.stream().anyMatch(directory -> sameFolder(directory, output))) {
            throw new ParameterException(spec.commandLine(), "--output " + output
                    + " is one of the inputs: write the merge into a folder of its own");
        }
        ResultMerge.Merged merged;
        try {
            merged = ResultMerge.of(directories, startTolerance,
                    List.copyOf(spec.commandLine().getParseResult().originalArgs()), label);
        } catch (MergeRefusedException refused) {
            throw new ParameterException(spec.commandLine(), "cannot merge: " + refused.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("Merged " + directories.size() + " generators: " + String.join(" ",
                directories.stream().map(Path::toString).toList()));
        TextReport.print(merged.document(), out);
        if (output != null) {
            ResultFiles.write(output, merged.document(), merged.totals());
            IntervalLogFile log = new IntervalLogFile(output, "merge of " + directories.size() + " generators");
            log.started(merged.startEpochMillis());
            merged.intervals().forEach(interval ->
                    log.write(interval.fromNanos(), interval.toNanos(), interval.histograms()));
            log.finished();
            if (log.failed()) {
                spec.commandLine().getErr().println("client: could not write "
                        + output.resolve(IntervalLogFile.FILE_NAME));
            }
            if (merged.backends() != null) {
                BackendIntervalsFile.write(output, merged.backends());
            }
            out.println("Results written to " + output);
        }
        out.flush();
        return 0;
    }

    private static boolean sameFolder(Path a, Path b) {
        try {
            return Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }
}
