package dev.loadlab.client.output;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.zip.DataFormatException;

import org.HdrHistogram.Histogram;

/**
 * A histogram's figures in milliseconds (microsecond resolution), plus the histogram itself
 * in HdrHistogram's compressed encoding (Base64, the same encoding as an interval-log line),
 * so that results can be merged without loss. All figures are 0 for an empty histogram.
 */
public record HistogramSummary(long count, double minMs, double meanMs, double stddevMs, double p50Ms,
                               double p75Ms, double p90Ms, double p99Ms, double p999Ms, double p9999Ms,
                               double maxMs, String encoded) {

    public static HistogramSummary of(Histogram micros) {
        boolean empty = micros.getTotalCount() == 0;
        return new HistogramSummary(micros.getTotalCount(),
                empty ? 0 : millis(micros.getMinValue()),
                empty ? 0 : micros.getMean() / 1_000.0,
                empty ? 0 : micros.getStdDeviation() / 1_000.0,
                percentile(micros, 50), percentile(micros, 75), percentile(micros, 90), percentile(micros, 99),
                percentile(micros, 99.9), percentile(micros, 99.99),
                empty ? 0 : millis(micros.getMaxValue()),
                encode(micros));
    }

    /** Decodes {@link #encoded} back into a histogram of microseconds. */
    public Histogram decode() throws DataFormatException {
        return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(encoded)), 0);
    }

    private static double percentile(Histogram micros, double percentile) {
        return micros.getTotalCount() == 0 ? 0 : millis(micros.getValueAtPercentile(percentile));
    }

    private static double millis(long micros) {
        return micros / 1_000.0;
    }

    private static String encode(Histogram micros) {
        ByteBuffer buffer = ByteBuffer.allocate(micros.getNeededByteBufferCapacity());
        int length = micros.encodeIntoCompressedByteBuffer(buffer);
        byte[] bytes = new byte[length];
        buffer.flip();
        buffer.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
