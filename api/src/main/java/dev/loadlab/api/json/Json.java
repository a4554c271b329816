package dev.loadlab.api.json;

/** The few JSON writing primitives the hot path needs, without building a tree. */
public final class Json {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Json() {
    }

    /** Appends {@code value} as a JSON string literal, or {@code null}. */
    public static StringBuilder appendString(StringBuilder out, String value) {
        if (value == null) {
            return out.append("null");
        }
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append("\\u00").append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    /** Appends a duration given in nanoseconds as milliseconds with microsecond precision: {@code 20.130}. */
    public static StringBuilder appendMillis(StringBuilder out, long nanos) {
        long micros = Math.max(0, nanos) / 1_000;
        long fraction = micros % 1_000;
        out.append(micros / 1_000).append('.');
        if (fraction < 100) {
            out.append('0');
        }
        if (fraction < 10) {
            out.append('0');
        }
        return out.append(fraction);
    }

    /** {@code {"error":"<code>","message":"<message>"}} */
    public static String error(String code, String message) {
        StringBuilder out = new StringBuilder(64 + message.length());
        out.append("{\"error\":");
        appendString(out, code);
        out.append(",\"message\":");
        appendString(out, message);
        return out.append('}').toString();
    }
}
