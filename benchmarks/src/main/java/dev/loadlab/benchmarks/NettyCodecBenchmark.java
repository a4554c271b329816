package dev.loadlab.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The netty transport's per-request work in Netty's pipeline, without a socket: writing the run's
 * request, and decoding one answer as the transport reads it.
 *
 * <p>Why: the client's netty transport encodes its one request once per run and, per request,
 * writes a recycled duplicate of those bytes; per answer, Netty's {@link HttpResponseDecoder}
 * (configured as the transport configures it: no header validation) parses the status line and
 * headers, and the connection reads the status, {@code X-Backend} and {@code Connection} and
 * copies the head of the body for the ledger. Against a server answering in tens of µs, this is
 * the client's own share of every request.
 *
 * <ul>
 *   <li>{@link #writeRequest}: a retained duplicate of the encoded request (a pooled direct buffer,
 *       as the transport keeps it) through an {@link EmbeddedChannel}'s outbound pipeline.</li>
 *   <li>{@link #decodeAnswer}: one 200 answer of the servers' (headers and JSON body, as Undertow
 *       sends them) decoded and read as the transport's connection reads it.</li>
 * </ul>
 * The embedded channel stands in for the socket, so its own small cost is in both rows; the
 * system calls that a real socket adds are not.
 *
 * <p>Run (about 15 s):
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar NettyCodecBenchmark
 * </pre>
 * Read {@code ns/op}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class NettyCodecBenchmark {
    private static final byte[] REQUEST = "GET /api/process_fifo?io_ms=0 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ANSWER = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
            + ClientRecordingBenchmark.ANSWER.length + "\r\n\r\n"
            + new String(ClientRecordingBenchmark.ANSWER, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);

    private ByteBuf request;
    private ByteBuf answer;
    private EmbeddedChannel writer;
    private EmbeddedChannel reader;
    private AnswerReader answers;

    @Setup
    public void create() {
        request = PooledByteBufAllocator.DEFAULT.directBuffer(REQUEST.length).writeBytes(REQUEST);
        answer = PooledByteBufAllocator.DEFAULT.directBuffer(ANSWER.length).writeBytes(ANSWER);
        writer = new EmbeddedChannel();
        answers = new AnswerReader();
        reader = new EmbeddedChannel(new HttpResponseDecoder(new HttpDecoderConfig().setValidateHeaders(false)), answers);
        decodeAnswer();
        if (answers.answers != 1 || answers.status != 200 || answers.headLength != ClientRecordingBenchmark.ANSWER.length) {
            throw new IllegalStateException("the canned answer did not decode to one 200 with its whole body");
        }
    }

    @TearDown
    public void release() {
        writer.finishAndReleaseAll();
        reader.finishAndReleaseAll();
        request.release();
        answer.release();
    }

    @Benchmark
    public int writeRequest() {
        writer.writeOutbound(request.retainedDuplicate());
        ByteBuf written = writer.readOutbound();
        int bytes = written.readableBytes();
        written.release();
        return bytes;
    }

    @Benchmark
    public int decodeAnswer() {
        reader.writeInbound(answer.retainedDuplicate());
        return answers.status + answers.headLength;
    }

    /**
     * Reads an answer as the transport's connection does: status, {@code X-Backend},
     * keep-alive, and the head of the body copied out. Threading: the embedded channel's, the
     * benchmark thread.
     */
    private static final class AnswerReader extends ChannelInboundHandlerAdapter {
        private static final AsciiString X_BACKEND = AsciiString.cached("x-backend");

        final byte[] head = new byte[256];
        int status;
        String backend;
        boolean keepAlive;
        int headLength;
        long answers;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            try {
                if (message instanceof HttpResponse response) {
                    status = response.status().code();
                    backend = response.headers().get(X_BACKEND);
                    keepAlive = HttpUtil.isKeepAlive(response);
                    headLength = 0;
                }
                if (message instanceof HttpContent content) {
                    ByteBuf bytes = content.content();
                    int kept = Math.min(bytes.readableBytes(), head.length - headLength);
                    bytes.getBytes(bytes.readerIndex(), head, headLength, kept);
                    headLength += kept;
                    if (message instanceof LastHttpContent) {
                        answers++;
                    }
                }
            } finally {
                ReferenceCountUtil.release(message);
            }
        }
    }
}
