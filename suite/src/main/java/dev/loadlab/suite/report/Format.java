package dev.loadlab.suite.report;

import java.util.Locale;

/** How the reports write numbers and text: one place, so that Markdown, HTML and tests agree. */
final class Format {
    private Format() {
    }

    /** {@code 1,234.5} with {@code decimals} digits; a dash for NaN (not measured). */
    static String number(double value, int decimals) {
        return Double.isNaN(value) ? "—" : String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }

    /** {@code 0.86} as {@code 86%}. */
    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", fraction * 100);
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
