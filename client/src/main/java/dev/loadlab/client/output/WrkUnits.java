package dev.loadlab.client.output;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations and latencies written and read the way wrk writes and reads them.
 *
 * <p>Settings: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h} (a bare number means
 * seconds). Latencies: two decimals and a unit, {@code 635.91us}, {@code 12.34ms},
 * {@code 1.02s}, {@code 2.50m}. Stateless.
 */
public final class WrkUnits {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(us|ms|s|m|h)?");

    private WrkUnits() {
    }

    /** Parses {@code 500ms}, {@code 1.5s}, {@code 10s}, {@code 2m}, {@code 1h}, {@code 250us} or {@code 10} (seconds). */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: use a number and a unit,"
                    + " e.g. 500ms, 10s, 2m, 1h");
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double nanosPerUnit = switch (unit) {
            case "us" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            default -> 3600e9;
        };
        return Duration.ofNanos(Math.round(amount * nanosPerUnit));
    }

    /** A setting, in the largest unit that writes it exactly: {@code 500ms}, {@code 10s}, {@code 2m}. */
    public static String formatDuration(Duration duration) {
        long nanos = duration.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        long[] nanosPerUnit = {3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L};
        String[] units = {"h", "m", "s", "ms", "us"};
        for (int i = 0; i < units.length; i++) {
            if (nanos % nanosPerUnit[i] == 0) {
                return nanos / nanosPerUnit[i] + units[i];
            }
        }
        return nanos + "ns";
    }

    /** A measured time given in microseconds, e.g. {@code 12.34ms}. */
    public static String formatMicros(double micros) {
        if (micros < 1_000) {
            return format(micros, "us");
        }
        if (micros < 1_000_000) {
            return format(micros / 1_000, "ms");
        }
        if (micros < 60_000_000) {
            return format(micros / 1_000_000, "s");
        }
        if (micros < 3_600_000_000.0) {
            return format(micros / 60_000_000, "m");
        }
        return format(micros / 3_600_000_000.0, "h");
    }

    private static String format(double value, String unit) {
        return String.format(Locale.ROOT, "%.2f%s", value, unit);
    }
}
