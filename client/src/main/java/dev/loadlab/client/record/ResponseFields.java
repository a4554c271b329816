package dev.loadlab.client.record;

import java.nio.charset.StandardCharsets;

/**
 * A targeted scan of a loadlab answer body for the few fields the client records:
 * {@code queued_ms}, {@code service_ms} and, in error answers, {@code error}.
 *
 * <p>It builds no object tree: it looks for {@code "name"} followed by {@code :} where the
 * opening quote follows {@code {} or {@code ,} (whitespace allowed). In valid JSON that
 * position can only be an object key: a quote inside a string value is always escaped,
 * so it is preceded by a backslash. Bodies that are not JSON simply yield nothing.
 *
 * <p>Stateless; safe for any thread.
 */
public final class ResponseFields {
    private static final byte[] QUEUED_MS = key("queued_ms");
    private static final byte[] SERVICE_MS = key("service_ms");
    private static final byte[] ERROR = key("error");
    private static final int MAX_ERROR_CODE_CHARS = 64;

    private ResponseFields() {
    }

    /** {@code queued_ms} in microseconds, or -1 when the body has no such number. */
    public static long queuedMicros(byte[] body, int length) {
        return millisFieldAsMicros(body, length, QUEUED_MS);
    }

    /** {@code service_ms} in microseconds, or -1 when the body has no such number. */
    public static long serviceMicros(byte[] body, int length) {
        return millisFieldAsMicros(body, length, SERVICE_MS);
    }

    /** The {@code error} code of an error answer (e.g. {@code queue_full}), or null. */
    public static String errorCode(byte[] body, int length) {
        int at = valueStart(body, length, ERROR);
        if (at < 0 || body[at] != '"') {
            return null;
        }
        int from = at + 1;
        for (int i = from; i < length && i - from <= MAX_ERROR_CODE_CHARS; i++) {
            byte b = body[i];
            if (b == '"') {
                return i == from ? null : new String(body, from, i - from, StandardCharsets.US_ASCII);
            }
            if (!isCodeChar(b)) {
                return null; // escapes or non-ASCII: not one of the documented codes
            }
        }
        return null;
    }

    private static long millisFieldAsMicros(byte[] body, int length, byte[] key) {
        int at = valueStart(body, length, key);
        if (at < 0) {
            return -1;
        }
        int end = at;
        while (end < length && isNumberChar(body[end])) {
            end++;
        }
        if (end == at) {
            return -1;
        }
        try {
            double millis = Double.parseDouble(new String(body, at, end - at, StandardCharsets.US_ASCII));
            return millis >= 0 && Double.isFinite(millis) ? Math.round(millis * 1000.0) : -1;
        } catch (NumberFormatException notANumber) {
            return -1;
        }
    }

    /** Index of the first byte of the value of top-level-or-nested key {@code key}, or -1. */
    private static int valueStart(byte[] body, int length, byte[] key) {
        outer:
        for (int i = 0; i + key.length <= length; i++) {
            for (int k = 0; k < key.length; k++) {
                if (body[i + k] != key[k]) {
                    continue outer;
                }
            }
            if (!precededByObjectPunctuation(body, i)) {
                continue;
            }
            int j = skipWhitespace(body, length, i + key.length);
            if (j < length && body[j] == ':') {
                j = skipWhitespace(body, length, j + 1);
                return j < length ? j : -1;
            }
        }
        return -1;
    }

    private static boolean precededByObjectPunctuation(byte[] body, int quoteIndex) {
        for (int i = quoteIndex - 1; i >= 0; i--) {
            byte b = body[i];
            if (!isWhitespace(b)) {
                return b == '{' || b == ',';
            }
        }
        return false;
    }

    private static int skipWhitespace(byte[] body, int length, int from) {
        int i = from;
        while (i < length && isWhitespace(body[i])) {
            i++;
        }
        return i;
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    private static boolean isNumberChar(byte b) {
        return (b >= '0' && b <= '9') || b == '.' || b == '-' || b == '+' || b == 'e' || b == 'E';
    }

    private static boolean isCodeChar(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_' || b == '-';
    }

    private static byte[] key(String name) {
        return ('"' + name + '"').getBytes(StandardCharsets.US_ASCII);
    }
}
