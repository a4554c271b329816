package dev.loadlab.api.work;

/**
 * The simulated work one request asks for, validated.
 *
 * @param ioMillis     blocking I/O to simulate: the request waits without using CPU
 * @param cpuMillis    CPU work to do on the serving thread
 * @param payloadBytes extra bytes in the response
 * @param id           the client's request id, echoed; null when none was given
 */
public record WorkRequest(long ioMillis, long cpuMillis, int payloadBytes, String id) {
    public static final long MAX_IO_MILLIS = 60_000;
    public static final long MAX_CPU_MILLIS = 10_000;
    public static final int MAX_PAYLOAD_BYTES = 1_048_576;
    public static final int MAX_ID_CHARS = 128;
}
