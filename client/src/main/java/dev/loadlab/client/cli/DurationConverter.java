package dev.loadlab.client.cli;

import java.time.Duration;

import dev.loadlab.client.output.WrkUnits;
import picocli.CommandLine;

/** Reads a wrk-style duration option ({@code 500ms}, {@code 10s}, {@code 2m}); see {@link WrkUnits}. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return WrkUnits.parseDuration(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
