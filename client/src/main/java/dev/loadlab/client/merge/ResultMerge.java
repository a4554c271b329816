package dev.loadlab.client.merge;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import org.HdrHistogram.Histogram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.loadlab.client.load.LoadShape;
import dev.loadlab.client.load.ScheduleOutcome;
import dev.loadlab.client.output.BackendIntervalsFile;
import dev.loadlab.client.output.HistogramSummary;
import dev.loadlab.client.output.ResultDocument;
import dev.loadlab.client.output.ResultFiles;
import dev.loadlab.client.output.WrkUnits;
import dev.loadlab.client.record.HistogramKind;
import dev.loadlab.client.record.RunRecorder;
import dev.loadlab.client.record.WakeupProbe;

/**
 * Adds the results of the N generators of one fleet ({@code run --generator I/N}) into one
 * result, as if one generator had sent the whole load.
 *
 * <p><b>Exact.</b> Counts add; every histogram is the sum of the generators' histograms (decoded
 * from {@code result.json}), never an average of percentiles, and so is every interval of the
 * interval log. Intervals are aligned on the shared start (the common {@code --start-at}, or the
 * earliest generator's start without one): a generator's interval goes to the second of the
 * shared start it begins nearest to, which with {@code --start-at} is its own. The generators'
 * {@code backends.csv} add the same way, per second and backend; when one generator wrote none
 * (a client older than the file) none is merged, and a warning says so.
 *
 * <p><b>Refused</b> ({@link MergeRefusedException}): a folder without a generator's result, results
 * of different loads (any setting, the target included, or {@code --start-at}), generators of
 * fleets of different sizes, an index missing or given twice, an already merged result.
 *
 * <p><b>Flagged</b> (a warning, in {@code merge.warnings}): a generator that began sending later
 * than the tolerance after its timetable's start, or after the earliest generator. Each generator
 * reads its own clock: clocks that disagree show only as far as the starts they recorded
 * disagree; keep the machines' clocks synchronised (NTP).
 *
 * <p><b>Derived figures.</b> Totals and rates are computed again from the sums (throughput from
 * the merged count and the fleet's total time, from the shared start to the last generator's
 * last outcome; the schedule's rates and connections add up). The client's verdicts stay the
 * generators': {@code client_limit} lists each generator's reasons with its index, the CPU
 * utilisations are the highest of any generator's, {@code environment} is generator 0's.
 * Stateless.
 */
public final class ResultMerge {

    /**
     * A merged result, ready to print and write.
     *
     * @param totals           its histograms by kind, in microseconds
     * @param startEpochMillis the shared start, the interval log's start time
     * @param intervals        the merged intervals, in order
     * @param backends         the merged {@code backends.csv}, per second then backend; null when a generator wrote none
     */
    public record Merged(ResultDocument document, Map<HistogramKind, Histogram> totals, long startEpochMillis,
                         List<Interval> intervals, List<BackendIntervalsFile.Answers> backends) {
    }

    /** One merged interval, {@code [fromNanos, toNanos)} after the shared start, every kind present and tagged. */
    public record Interval(long fromNanos, long toNanos, Map<HistogramKind, Histogram> histograms) {
    }

    private ResultMerge() {
    }

    /**
     * Reads and merges the result folders of one fleet.
     *
     * @param startTolerance a start later than this is flagged
     * @param commandLine    the merge's own arguments, recorded in the result
     * @param label          the merged result's label; null: the generators' common label, if any
     */
    public static Merged of(List<Path> directories, Duration startTolerance, List<String> commandLine, String label)
            throws MergeRefusedException, IOException {
        List<GeneratorResult> inputs = new ArrayList<>();
        for (Path directory : directories) {
            inputs.add(GeneratorResult.read(directory));
        }
        List<GeneratorResult> fleet = byIndex(inputs);
        requireOneLoad(fleet);
        return merge(fleet, startTolerance, commandLine, label);
    }

    /** The inputs ordered by generator index; refuses unless they are generators 0..N-1 of one N, once each. */
    private static List<GeneratorResult> byIndex(List<GeneratorResult> inputs) throws MergeRefusedException {
        GeneratorResult first = inputs.getFirst();
        int count = first.document().generator().count();
        GeneratorResult[] byIndex = new GeneratorResult[count];
        for (GeneratorResult input : inputs) {
            ResultDocument.Generator generator = input.document().generator();
            if (generator.count() != count) {
                throw new MergeRefusedException(first.directory() + " is generator " + first.label() + " but "
                        + input.directory() + " is " + input.label() + ": not one fleet");
            }
            GeneratorResult twin = byIndex[generator.index()];
            if (twin != null) {
                throw new MergeRefusedException("generator " + input.label() + " is given twice: " + twin.directory()
                        + " and " + input.directory());
            }
            byIndex[generator.index()] = input;
        }
        List<String> missing = new ArrayList<>();
        for (int index = 0; index < count; index++) {
            if (byIndex[index] == null) {
                missing.add(index + "/" + count);
            }
        }
        if (!missing.isEmpty()) {
            throw new MergeRefusedException("generator" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
                    + " missing: a merge needs all " + count + " results of the fleet");
        }
        return List.of(byIndex);
    }

    /** Refuses results of different loads: any setting, or the shared start, differs from generator 0's. */
    private static void requireOneLoad(List<GeneratorResult> fleet) throws MergeRefusedException {
        ObjectMapper mapper = ResultFiles.jsonMapper();
        GeneratorResult first = fleet.getFirst();
        JsonNode reference = mapper.valueToTree(first.document().settings());
        for (GeneratorResult other : fleet.subList(1, fleet.size())) {
            JsonNode settings = mapper.valueToTree(other.document().settings());
            for (Iterator<String> names = reference.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!reference.get(name).equals(settings.get(name))) {
                    throw new MergeRefusedException(first.directory() + " and " + other.directory()
                            + " ran different loads: settings." + name + " is " + reference.get(name) + " in one, "
                            + settings.get(name) + " in the other");
                }
            }
            String startAt = first.document().generator().startAt();
            if (!Objects.equals(startAt, other.document().generator().startAt())) {
                throw new MergeRefusedException(first.directory() + " and " + other.directory()
                        + " did not share one timetable: --start-at " + startAt + " in one, "
                        + other.document().generator().startAt() + " in the other");
            }
        }
    }

    private static Merged merge(List<GeneratorResult> fleet, Duration startTolerance, List<String> commandLine,
                                String label) {
        long startMillis = fleet.stream().mapToLong(GeneratorResult::startEpochMillis).min().orElseThrow();
        Map<HistogramKind, Histogram> totals = new EnumMap<>(HistogramKind.class);
        for (HistogramKind kind : HistogramKind.values()) {
            Histogram total = RunRecorder.newHistogram();
            fleet.forEach(generator -> total.add(generator.totals().get(kind)));
            totals.put(kind, total);
        }
        Map<String, HistogramSummary> histograms = new LinkedHashMap<>();
        totals.forEach((kind, total) -> histograms.put(kind.tag(), HistogramSummary.of(total)));

        List<ResultDocument> documents = fleet.stream().map(GeneratorResult::document).toList();
        ResultDocument first = documents.getFirst();
        ResultDocument.Counts counts = new ResultDocument.Counts(
                sum(documents, d -> d.counts().sent()), sum(documents, d -> d.counts().successful()),
                sum(documents, d -> d.counts().failed()), sum(documents, d -> d.counts().sweptTimeouts()),
                sum(documents, d -> d.counts().bytesReceived()));
        double endMillis = fleet.stream()
                .mapToDouble(generator -> generator.startEpochMillis() + generator.document().totalTimeMs())
                .max().orElseThrow();
        double totalTimeMs = Math.max(0, endMillis - startMillis);
        double seconds = totalTimeMs / 1e3;
        long completed = counts.successful() + counts.failed();

        double lagP99Nanos = histograms.get(HistogramKind.DISPATCH_LAG.tag()).p99Ms() * 1e6;
        ScheduleOutcome fleetSchedule = fleetSchedule(documents);
        ResultDocument.Schedule schedule = fleetSchedule == null ? null
                : ResultDocument.Schedule.of(fleetSchedule, lagP99Nanos);
        ResultDocument.ClientLimit limit = clientLimit(documents, fleetSchedule, lagP99Nanos,
                histograms.get(HistogramKind.LATENCY.tag()).p99Ms() * 1e6);
        double cpuSeconds = documents.stream().mapToDouble(ResultDocument::clientCpuSeconds).sum();
        OptionalDouble machineBusy = highest(documents, ResultDocument::machineCpuUtilization);
        OptionalDouble steal = highest(documents, ResultDocument::machineCpuSteal);
        OptionalDouble foreign = highest(documents, ResultDocument::foreignCpuUtilization);
        ResultDocument.Merge merge = mergeRecord(fleet, startTolerance);

        ResultDocument document = new ResultDocument(ResultDocument.SCHEMA_VERSION, first.tool(),
                label != null ? label : commonLabel(documents), Instant.ofEpochMilli(startMillis).toString(),
                List.copyOf(commandLine), first.settings(), first.environment(), counts,
                sumMaps(documents, ResultDocument::failures), sumMaps(documents, ResultDocument::errorCodes),
                sumMaps(documents, ResultDocument::statusCounts), sumMaps(documents, ResultDocument::backends),
                totalTimeMs, ResultDocument.perSecond(completed, seconds),
                ResultDocument.perSecond(counts.successful(), seconds), schedule, histograms,
                cpuSeconds, ResultDocument.cpuPer10kRequests(cpuSeconds, completed),
                documents.stream().mapToDouble(ResultDocument::clientCpuUtilization).max().orElse(0),
                boxed(machineBusy), limit.limited(), boxed(steal),
                documents.stream().anyMatch(ResultDocument::disturbed), boxed(foreign), limit, null, merge,
                latestWakeups(documents));
        return new Merged(document, totals, startMillis, intervals(fleet, startMillis), backends(fleet, startMillis));
    }

    /** The wake-up latency of the generator woken latest (highest p99); null when none measured one. */
    private static WakeupProbe.Latency latestWakeups(List<ResultDocument> documents) {
        return documents.stream().map(ResultDocument::wakeupLatency).filter(Objects::nonNull)
                .max(Comparator.comparingDouble(WakeupProbe.Latency::p99Ms)).orElse(null);
    }

    /** The fleet's schedule: what adds (sent, late, connections, rates) added; null for a closed loop. */
    private static ScheduleOutcome fleetSchedule(List<ResultDocument> documents) {
        if (documents.stream().anyMatch(d -> d.schedule() == null)) {
            return null;
        }
        List<ResultDocument.Schedule> schedules = documents.stream().map(ResultDocument::schedule).toList();
        ResultDocument.Schedule first = schedules.getFirst();
        long sent = schedules.stream().mapToLong(ResultDocument.Schedule::sent).sum();
        double scheduledRateHz = schedules.stream().mapToDouble(ResultDocument.Schedule::scheduledRateHz).sum();
        return new ScheduleOutcome(
                schedules.stream().mapToDouble(ResultDocument.Schedule::targetRateHz).sum(),
                LoadShape.Arrival.valueOf(first.arrival().toUpperCase(Locale.ROOT)), sent,
                Math.round(schedules.stream().mapToDouble(ResultDocument.Schedule::dispatchWindowMs).max()
                        .orElse(0) * 1e6),
                schedules.stream().mapToDouble(ResultDocument.Schedule::achievedRateHz).sum(),
                Math.round(first.lateThresholdMs() * 1e6),
                schedules.stream().mapToLong(ResultDocument.Schedule::lateRequests).sum(),
                schedules.stream().mapToInt(ResultDocument.Schedule::connections).sum(),
                sent > 1 && scheduledRateHz > 0 ? Math.round((sent - 1) * 1e9 / scheduledRateHz) : 0);
    }

    /**
     * Each generator's own verdict, with its index; and, when no generator's own verdict was that
     * it limited the run, the fleet's schedule keeping judged as one generator's is
     * ({@link ScheduleOutcome#limitReasons}), on the merged dispatch lag and latency.
     */
    private static ResultDocument.ClientLimit clientLimit(List<ResultDocument> documents, ScheduleOutcome fleet,
                                                          double lagP99Nanos, double latencyP99Nanos) {
        List<String> reasons = new ArrayList<>();
        for (ResultDocument document : documents) {
            String generator = "generator " + document.generator().index() + "/" + document.generator().count();
            document.clientLimit().reasons().forEach(reason -> reasons.add(generator + ": " + reason));
        }
        if (fleet != null && reasons.isEmpty()) {
            fleet.limitReasons(lagP99Nanos, latencyP99Nanos).forEach(reason -> reasons.add("the fleet: " + reason));
        }
        return new ResultDocument.ClientLimit(!reasons.isEmpty(), reasons);
    }

    /** Who began when, and a warning for each generator that began later than the tolerance allows. */
    private static ResultDocument.Merge mergeRecord(List<GeneratorResult> fleet, Duration startTolerance) {
        long toleranceMillis = startTolerance.toMillis();
        long earliest = fleet.stream().mapToLong(GeneratorResult::beganEpochMillis).min().orElseThrow();
        long latest = fleet.stream().mapToLong(GeneratorResult::beganEpochMillis).max().orElseThrow();
        GeneratorResult earliestGenerator = fleet.stream()
                .filter(generator -> generator.beganEpochMillis() == earliest).findFirst().orElseThrow();
        List<ResultDocument.MergedGenerator> generators = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (GeneratorResult generator : fleet) {
            ResultDocument document = generator.document();
            double lateMs = document.generator().lateStartMs();
            long behindMs = generator.beganEpochMillis() - earliest;
            String lagMax = WrkUnits.formatMicros(document.histograms().get(HistogramKind.DISPATCH_LAG.tag()).maxMs() * 1e3);
            if (lateMs > toleranceMillis) {
                long warmupMs = document.settings().warmupMs();
                warnings.add(String.format(Locale.ROOT, "generator %s started %s after its timetable's start"
                        + " (--start-at %s%s), more than the %s tolerance: the slots it missed left late (its"
                        + " dispatch lag reached %s)", generator.label(), WrkUnits.formatMicros(lateMs * 1e3),
                        document.generator().startAt(),
                        warmupMs == 0 ? "" : " minus the " + WrkUnits.formatDuration(Duration.ofMillis(warmupMs))
                                + " warm-up",
                        WrkUnits.formatDuration(startTolerance), lagMax));
            } else if (behindMs > toleranceMillis) {
                warnings.add(String.format(Locale.ROOT, "generator %s began %s after generator %s, more than the %s"
                        + " tolerance: their starts (or their clocks) disagree; its intervals are aligned to the"
                        + " nearest second of the shared start", generator.label(),
                        WrkUnits.formatMicros(behindMs * 1e3), earliestGenerator.label(),
                        WrkUnits.formatDuration(startTolerance)));
            }
            generators.add(new ResultDocument.MergedGenerator(document.generator().index(),
                    generator.directory().toString(), Instant.ofEpochMilli(generator.beganEpochMillis()).toString(),
                    lateMs, document.counts().sent(), document.counts().successful(), document.counts().failed(),
                    document.clientLimit().limited()));
        }
        List<String> withoutBackends = fleet.stream().filter(generator -> generator.backends() == null)
                .map(GeneratorResult::label).toList();
        if (!withoutBackends.isEmpty() && withoutBackends.size() < fleet.size()) {
            warnings.add("generator " + String.join(", ", withoutBackends) + " wrote no "
                    + BackendIntervalsFile.FILE_NAME + ": the merge writes none (the others' alone would be a share of"
                    + " the load)");
        }
        return new ResultDocument.Merge(generators, fleet.getFirst().document().generator().startAt(),
                latest - earliest, toleranceMillis, warnings);
    }

    /** Every generator's intervals, added per second of the shared start and per kind. */
    private static List<Interval> intervals(List<GeneratorResult> fleet, long startMillis) {
        TreeMap<Long, Map<HistogramKind, Histogram>> seconds = new TreeMap<>();
        TreeMap<Long, Long> endMillis = new TreeMap<>();
        for (GeneratorResult generator : fleet) {
            for (Histogram interval : generator.intervals()) {
                long second = Math.max(0, Math.round((interval.getStartTimeStamp() - startMillis) / 1e3));
                HistogramKind kind = HistogramKind.ofTag(interval.getTag()).orElseThrow();
                seconds.computeIfAbsent(second, s -> emptyInterval()).get(kind).add(interval);
                endMillis.merge(second, interval.getEndTimeStamp() - startMillis, Math::max);
            }
        }
        List<Interval> intervals = new ArrayList<>();
        seconds.forEach((second, histograms) -> {
            long fromNanos = second * 1_000_000_000L;
            intervals.add(new Interval(fromNanos, Math.max(fromNanos, endMillis.get(second) * 1_000_000L), histograms));
        });
        return intervals;
    }

    /** Every generator's answers per backend, added per second of the shared start; null if one wrote none. */
    private static List<BackendIntervalsFile.Answers> backends(List<GeneratorResult> fleet, long startMillis) {
        if (fleet.stream().anyMatch(generator -> generator.backends() == null)) {
            return null;
        }
        TreeMap<Long, TreeMap<String, Long>> answers = new TreeMap<>();
        TreeMap<Long, Double> endSeconds = new TreeMap<>();
        for (GeneratorResult generator : fleet) {
            double offsetSeconds = (generator.startEpochMillis() - startMillis) / 1e3;
            for (BackendIntervalsFile.Answers line : generator.backends()) {
                long second = Math.max(0, Math.round(offsetSeconds + line.fromSeconds()));
                answers.computeIfAbsent(second, s -> new TreeMap<>()).merge(line.backend(), line.answers(), Long::sum);
                endSeconds.merge(second, offsetSeconds + line.toSeconds(), Math::max);
            }
        }
        List<BackendIntervalsFile.Answers> merged = new ArrayList<>();
        answers.forEach((second, byBackend) -> byBackend.forEach((backend, count) -> merged.add(
                new BackendIntervalsFile.Answers(second, Math.max(second, endSeconds.get(second)), backend, count))));
        return merged;
    }

    private static Map<HistogramKind, Histogram> emptyInterval() {
        Map<HistogramKind, Histogram> histograms = new EnumMap<>(HistogramKind.class);
        for (HistogramKind kind : HistogramKind.values()) {
            Histogram histogram = RunRecorder.newHistogram();
            histogram.setTag(kind.tag());
            histograms.put(kind, histogram);
        }
        return histograms;
    }

    private static String commonLabel(List<ResultDocument> documents) {
        String label = documents.getFirst().label();
        return documents.stream().allMatch(d -> Objects.equals(label, d.label())) ? label : null;
    }

    private static long sum(List<ResultDocument> documents, ToLongFunction<ResultDocument> field) {
        return documents.stream().mapToLong(field).sum();
    }

    private static Map<String, Long> sumMaps(List<ResultDocument> documents,
                                             Function<ResultDocument, Map<String, Long>> field) {
        Map<String, Long> sums = new TreeMap<>();
        for (ResultDocument document : documents) {
            Map<String, Long> counts = field.apply(document);
            if (counts != null) {
                counts.forEach((key, n) -> sums.merge(key, n, Long::sum));
            }
        }
        return sums;
    }

    private static OptionalDouble highest(List<ResultDocument> documents, Function<ResultDocument, Double> field) {
        return documents.stream().map(field).filter(Objects::nonNull).mapToDouble(Double::doubleValue).max();
    }

    private static Double boxed(OptionalDouble value) {
        return value.isPresent() ? value.getAsDouble() : null;
    }
}
