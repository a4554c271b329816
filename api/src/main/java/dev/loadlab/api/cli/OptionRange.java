package dev.loadlab.api.cli;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** The range check of a numeric option, with the message every loadlab command gives. */
public final class OptionRange {
    private OptionRange() {
    }

    /**
     * Throws picocli's {@link ParameterException} (exit 2 with the usage) unless
     * {@code min <= value <= max}: "--workers must be from 1 to 100000, got 0".
     */
    public static void check(CommandLine commandLine, long value, long min, long max, String option) {
        if (value < min || value > max) {
            throw new ParameterException(commandLine, option + " must be from " + min + " to " + max + ", got " + value);
        }
    }
}
