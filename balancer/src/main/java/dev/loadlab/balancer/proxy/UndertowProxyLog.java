package dev.loadlab.balancer.proxy;

import java.util.List;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What the balancer keeps of Undertow's proxy log ({@code io.undertow.proxy}): everything but the
 * two messages Undertow logs, at ERROR and one per request, for each request a backend failed
 * ({@code UT005028}, with a stack trace) or could not take ({@code UT005031}). The balancer
 * counts those per backend ({@code /stats} errors) and warns once per ejection or health change
 * instead. Any other proxy message, a genuine fault, still reaches the operator.
 *
 * <p>Threading: {@link #install} may be called by any thread, any number of times.
 */
public final class UndertowProxyLog {
    /** Held so that the filter set on it is not lost when the logger is collected. */
    private static final Logger PROXY = Logger.getLogger("io.undertow.proxy");
    private static final List<String> PER_REQUEST = List.of("UT005028:", "UT005031:");
    static final Filter WITHOUT_PER_REQUEST_FAILURES = UndertowProxyLog::keep;

    private UndertowProxyLog() {
    }

    public static void install() {
        PROXY.setFilter(WITHOUT_PER_REQUEST_FAILURES);
    }

    private static boolean keep(LogRecord record) {
        String message = record.getMessage();
        return message == null || PER_REQUEST.stream().noneMatch(message::startsWith);
    }
}
