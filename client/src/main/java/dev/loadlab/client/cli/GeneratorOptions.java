package dev.loadlab.client.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.loadlab.client.load.Generator;
import dev.loadlab.client.load.LoadSettings;
import dev.loadlab.client.load.LoadShape;
import dev.loadlab.client.output.WrkUnits;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code run}'s options for one of several generators sharing a load: {@code --generator I/N}
 * and {@code --start-at TIME}. Checked here, where they enter; {@link Generator} documents what
 * they mean to the run.
 */
public final class GeneratorOptions {
    /** More generators than this is a typo rather than a fleet. */
    static final int MAX_GENERATORS = 10_000;

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--generator", paramLabel = "I/N", converter = RoleConverter.class, order = 18,
            description = "Be generator I of N (I in 0..N-1) sharing one load: every N-th slot of the open"
                    + " loop's timetable from slot I (together exactly the timetable at the full --rate), or"
                    + " this generator's share of --concurrency, --requests and --connections."
                    + " 'client merge' adds the N results (default: 0/1, alone).")
    private Role role;

    @Option(names = "--start-at", paramLabel = "TIME", converter = InstantConverter.class, order = 18,
            description = "Begin the measured phase at TIME, an ISO-8601 instant (2026-12-02T10:00:00Z) or"
                    + " epoch milliseconds, so that N generators keep one timetable; a warm-up runs just"
                    + " before it. A generator ready late sends the slots it missed at once, as dispatch lag.")
    private Instant startAt;

    /** {@code settings} as this process's part of the fleet; a share that would be empty is a bad argument. */
    LoadSettings applyTo(LoadSettings settings) {
        Generator generator = role == null
                ? new Generator(0, 1, Optional.ofNullable(startAt))
                : new Generator(role.index(), role.count(), Optional.ofNullable(startAt));
        int count = generator.count();
        if (count > 1) {
            switch (settings.shape()) {
                case LoadShape.ClosedLoop closed -> requireShare("--concurrency", closed.concurrency(), count);
                case LoadShape.OpenLoop open -> requireShare("--connections", open.connections(), count);
            }
            if (settings.shape() instanceof LoadShape.ClosedLoop && settings.stop().requests().isPresent()) {
                requireShare("--requests", settings.stop().requests().getAsLong(), count);
            }
        }
        return settings.withGenerator(generator);
    }

    /**
     * Says on {@code out} which part of a fleet this run is, and on {@code err} when it is ready
     * later than its timetable's start; nothing for a run alone.
     */
    void announce(LoadSettings settings, PrintWriter out, PrintWriter err) {
        Generator generator = settings.generator();
        if (generator.count() > 1 || generator.startAt().isPresent()) {
            out.println("Generator " + generator.label() + generator.startAt()
                    .map(at -> ", measured phase from " + at).orElse(", measured phase from its own start"));
            out.flush();
        }
        generator.startAt().ifPresent(at -> {
            Duration late = Duration.between(at.minus(settings.warmup()), Instant.now());
            if (late.isPositive()) {
                err.println("client: generator " + generator.label() + " is starting "
                        + WrkUnits.formatMicros(late.toNanos() / 1e3) + " after its timetable's start ("
                        + (settings.warmup().isZero() ? "--start-at " + at : "--start-at " + at + " minus the warm-up")
                        + "): the slots it missed leave at once, and their lag counts as dispatch lag");
                err.flush();
            }
        });
    }

    private void requireShare(String option, long total, int count) {
        if (total < count) {
            throw new ParameterException(spec.commandLine(), option + " " + total + " cannot be shared by " + count
                    + " generators: each needs at least one; give at least " + count);
        }
    }

    /** {@code --generator I/N}, checked: {@code 0 <= index < count}. */
    record Role(int index, int count) {
    }

    /** Reads {@code I/N}. */
    static final class RoleConverter implements CommandLine.ITypeConverter<Role> {
        private static final Pattern ROLE = Pattern.compile("(\\d{1,9})/(\\d{1,9})");

        @Override
        public Role convert(String value) {
            Matcher m = ROLE.matcher(value.trim());
            if (m.matches()) {
                int index = Integer.parseInt(m.group(1));
                int count = Integer.parseInt(m.group(2));
                if (count >= 1 && count <= MAX_GENERATORS && index < count) {
                    return new Role(index, count);
                }
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not I/N with N in 1.."
                    + MAX_GENERATORS + " and I in 0..N-1, e.g. 0/3 for the first of three generators");
        }
    }

    /** Reads an ISO-8601 instant or a number of epoch milliseconds. */
    static final class InstantConverter implements CommandLine.ITypeConverter<Instant> {
        private static final Pattern EPOCH_MILLIS = Pattern.compile("\\d{1,15}");

        @Override
        public Instant convert(String value) {
            String text = value.trim();
            if (EPOCH_MILLIS.matcher(text).matches()) {
                return Instant.ofEpochMilli(Long.parseLong(text));
            }
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is neither an ISO-8601 instant"
                        + " (e.g. 2026-12-02T10:00:00Z) nor epoch milliseconds (e.g. 1796205600000)");
            }
        }
    }
}
