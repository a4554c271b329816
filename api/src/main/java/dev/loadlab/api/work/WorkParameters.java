package dev.loadlab.api.work;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import dev.loadlab.api.error.ApiError;
import dev.loadlab.api.error.ApiException;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads the work parameters of one request from its query string and its JSON body (the query
 * wins), and validates them: every failure is an {@link ApiException} whose message names the
 * parameter, the allowed range and the value received.
 *
 * <p>Unknown parameters are refused rather than ignored: a typo such as {@code io-ms} would
 * otherwise silently run a different benchmark than the one asked for.
 */
public final class WorkParameters {
    public static final String IO_MS = "io_ms";
    public static final String CPU_MS = "cpu_ms";
    public static final String PAYLOAD_BYTES = "payload_bytes";
    public static final String ID = "id";
    private static final String KNOWN = "io_ms, cpu_ms, payload_bytes, id";
    /** Longest bad value quoted back in an error message. */
    private static final int QUOTED_VALUE_CHARS = 40;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final long defaultIoMillis;
    private final long defaultCpuMillis;

    /** With the server's defaults for requests that do not say. */
    public WorkParameters(long defaultIoMillis, long defaultCpuMillis) {
        this.defaultIoMillis = defaultIoMillis;
        this.defaultCpuMillis = defaultCpuMillis;
    }

    /**
     * @param rawQuery the query string as sent, still percent-encoded; null or empty for none
     * @param body     the request body, or null or empty for none
     */
    public WorkRequest parse(String rawQuery, byte[] body) {
        Map<String, String> values = body == null || body.length == 0 ? new HashMap<>() : readBody(body);
        Set<String> inQuery = new HashSet<>();
        for (String pair : rawQuery == null || rawQuery.isEmpty() ? new String[0] : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            requireKnown(name);
            if (!inQuery.add(name)) {
                throw bad(name + " is given more than once in the query; give it once");
            }
            values.put(name, value);
        }
        long ioMillis = whole(values, IO_MS, defaultIoMillis, WorkRequest.MAX_IO_MILLIS, "milliseconds");
        long cpuMillis = whole(values, CPU_MS, defaultCpuMillis, WorkRequest.MAX_CPU_MILLIS, "milliseconds");
        long payloadBytes = whole(values, PAYLOAD_BYTES, 0, WorkRequest.MAX_PAYLOAD_BYTES, "bytes");
        String id = values.get(ID);
        if (id != null && id.length() > WorkRequest.MAX_ID_CHARS) {
            throw bad("id must be at most " + WorkRequest.MAX_ID_CHARS + " characters, got " + id.length());
        }
        return new WorkRequest(ioMillis, cpuMillis, (int) payloadBytes, id);
    }

    /** A flat JSON object of the known names; numbers and strings are kept as text, null as absent. */
    private static Map<String, String> readBody(byte[] body) {
        Map<String, String> values = new HashMap<>();
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new ApiException(ApiError.BAD_JSON, "the body must be a JSON object such as {\"io_ms\":20}");
            }
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
                String name = parser.currentName();
                requireKnown(name);
                JsonToken value = parser.nextToken();
                switch (value) {
                    case VALUE_NULL -> { }
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_STRING -> values.put(name, parser.getText());
                    default -> throw bad(name + " must be a number or a string, got a JSON " + describe(value));
                }
            }
            if (parser.nextToken() != null) {
                throw new ApiException(ApiError.BAD_JSON, "the body has content after its JSON object");
            }
        } catch (StreamReadException e) {
            throw new ApiException(ApiError.BAD_JSON, "the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ApiException(ApiError.BAD_JSON, "the body could not be read as JSON: " + e.getMessage());
        }
        return values;
    }

    private static String decode(String encoded) {
        try {
            return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw bad("the query string is not valid percent-encoding near '" + quote(encoded) + "'");
        }
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "object";
            case START_ARRAY -> "array";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            default -> token.asString();
        };
    }

    private static void requireKnown(String name) {
        switch (name) {
            case IO_MS, CPU_MS, PAYLOAD_BYTES, ID -> { }
            default -> throw bad("unknown parameter '" + quote(name) + "'; known: " + KNOWN);
        }
    }

    private static long whole(Map<String, String> values, String name, long fallback, long max, String unit) {
        String text = values.get(name);
        if (text == null) {
            return fallback;
        }
        long value = parseNonNegative(text);
        if (value < 0 || value > max) {
            throw bad(name + " must be a whole number of " + unit + " from 0 to " + max + ", got '" + quote(text) + "'");
        }
        return value;
    }

    /** The value of a string of 1 to 18 ASCII digits, or -1 for anything else. */
    private static long parseNonNegative(String text) {
        if (text.isEmpty() || text.length() > 18) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static String quote(String value) {
        return value.length() <= QUOTED_VALUE_CHARS ? value : value.substring(0, QUOTED_VALUE_CHARS) + "…";
    }

    private static ApiException bad(String message) {
        return new ApiException(ApiError.BAD_PARAMETER, message);
    }
}
