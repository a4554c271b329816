package dev.loadlab.client.oracle;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.HdrHistogram.Histogram;

import dev.loadlab.client.record.RunRecorder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * A server whose answer times are known exactly: the n-th request to arrive is answered its
 * {@link ServiceTime} after it arrived, however many are in flight (each answer is a timer on
 * the server's event loop, never a worker), except that no answer leaves during its one
 * {@link Stall}. From the client's timetable, its connections and these two, {@link OracleModel}
 * computes what a perfect open-loop generator must report.
 *
 * <p>Every path answers {@code 200} with {@code {"model":"oracle","service_ms":S}}, S the
 * request's service time, and keeps the connection open unless the request asked to close it.
 *
 * <p><b>Threads.</b> One event loop accepts, reads and answers every connection, so requests
 * are numbered in the order that loop reads them, and all its state is that loop's alone. The
 * getters may be called from any thread; they read volatile copies.
 *
 * <p>It lives in the client's test-jar, so that the {@code benchmarks} module runs the same
 * oracle at higher rates (its {@code OracleComparison}).
 */
public final class OracleServer implements AutoCloseable {
    private static final byte[] BODY_HEAD = "{\"model\":\"oracle\",\"service_ms\":".getBytes(StandardCharsets.US_ASCII);

    private final MultiThreadIoEventLoopGroup group;
    private final Channel listener;
    private final LongSupplier serviceTimes;
    private final Stall stall;
    /** Written by the event loop only. */
    private long arrivals;
    private long stallStartNanos = Long.MAX_VALUE;
    private long stallEndNanos = Long.MAX_VALUE;
    /** How late each answer left, µs after the time it was due (the stall's end for a held one). */
    private final Histogram lateness = RunRecorder.newHistogram();
    private volatile long arrived;
    private volatile long answered;
    private volatile long stalledAtNanos = Long.MIN_VALUE;

    private OracleServer(ServiceTime serviceTime, Stall stall, int port) throws InterruptedException {
        this.serviceTimes = serviceTime.sequence();
        this.stall = stall;
        boolean epoll = Epoll.isAvailable();
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("oracle", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.listener = new ServerBootstrap().group(group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new HttpServerCodec(), new Exchange());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
    }

    /** An oracle on 127.0.0.1 and an ephemeral port. */
    public static OracleServer start(ServiceTime serviceTime, Stall stall) throws InterruptedException {
        return new OracleServer(serviceTime, stall, 0);
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + ((InetSocketAddress) listener.localAddress()).getPort() + "/oracle");
    }

    /** Requests that have arrived. */
    public long arrived() {
        return arrived;
    }

    /** Answers written. */
    public long answered() {
        return answered;
    }

    /** Whether the stall has begun (request {@link Stall#atRequest} arrived). */
    public boolean stalled() {
        return stalledAtNanos != Long.MIN_VALUE;
    }

    /**
     * How late the oracle's answers left, in µs after they were due: the oracle's own share of
     * any difference from the model. Read it after {@link #close}, once the event loop has ended.
     */
    public Histogram lateness() {
        return lateness.copy();
    }

    @Override
    public void close() {
        listener.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /** On the event loop: the whole request has arrived; its answer is a timer. */
    private void arrived(ChannelHandlerContext context, boolean keepAlive) {
        long now = System.nanoTime();
        long n = arrivals++;
        arrived = arrivals;
        if (n == stall.atRequest()) {
            stallStartNanos = now;
            stallEndNanos = now + stall.nanos();
            stalledAtNanos = now;
        }
        long serviceNanos = serviceTimes.getAsLong();
        long dueNanos = now + serviceNanos;
        context.executor().schedule(() -> answer(context, dueNanos, serviceNanos, keepAlive),
                serviceNanos, TimeUnit.NANOSECONDS);
    }

    /** On the event loop, at or after {@code dueNanos}: answers, unless the stall holds it. */
    private void answer(ChannelHandlerContext context, long dueNanos, long serviceNanos, boolean keepAlive) {
        long leaveNanos = Stall.answerNanos(dueNanos, stallStartNanos, stallEndNanos);
        if (leaveNanos != dueNanos) {
            context.executor().schedule(() -> answer(context, leaveNanos, serviceNanos, keepAlive),
                    leaveNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
            return;
        }
        byte[] millis = String.format(Locale.ROOT, "%.3f}", serviceNanos / 1e6).getBytes(StandardCharsets.US_ASCII);
        ByteBuf body = Unpooled.wrappedBuffer(BODY_HEAD, millis);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        answered++;
        lateness.recordValue(Math.min(RunRecorder.HIGHEST_TRACKABLE_MICROS,
                Math.max(0, (System.nanoTime() - dueNanos) / 1_000)));
        if (keepAlive) {
            context.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            context.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** One per connection, on the event loop. */
    private final class Exchange extends SimpleChannelInboundHandler<HttpObject> {
        private boolean keepAlive = true;

        @Override
        protected void channelRead0(ChannelHandlerContext context, HttpObject message) {
            if (message instanceof HttpRequest request) {
                keepAlive = HttpUtil.isKeepAlive(request);
            }
            if (message instanceof LastHttpContent) {
                arrived(context, keepAlive);
            }
        }
    }
}
