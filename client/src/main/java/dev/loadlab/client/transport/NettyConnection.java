package dev.loadlab.client.transport;

import java.util.Arrays;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;

import dev.loadlab.client.load.Ledger;
import dev.loadlab.client.record.FailureCause;

/**
 * One connection of the netty transport, with at most one request in flight: it (re)connects
 * when it has to, writes the run's request, reads the answer's status, {@code X-Backend},
 * {@code Connection} and the head of its body, and settles the request exactly once: answered,
 * failed, or given up by the watchdog ({@link #giveUpIfOverdue}). Then it hands itself back to
 * its {@link LoopShard}, which sends the next request on it or lets it idle.
 *
 * <p>A connection the server closes, after an answer with {@code Connection: close} or while
 * idle, is reopened for the next request; a request whose connection closes before its answer
 * is complete fails as {@code connection_reset}. Nothing is allocated per request here: the
 * request is a recycled duplicate of the shard's encoded bytes and the body head is copied into
 * a buffer the connection keeps; what Netty's decoder allocates per answer is the only garbage.
 *
 * <p><b>Threads.</b> Everything runs on the connection's event loop: the shard's calls, the
 * channel's events and the watchdog's sweep. That is why settling needs no compare-and-set.
 * The handler is {@link ChannelHandler.Sharable} only because each reopened channel gets it
 * again: events of a channel that is no longer the current one are ignored.
 */
@ChannelHandler.Sharable
final class NettyConnection extends ChannelInboundHandlerAdapter {
    private static final AsciiString X_BACKEND = AsciiString.cached("x-backend");
    private static final int FIRST_HEAD_BYTES = 256;

    private final LoopShard shard;
    private final Ledger ledger;
    private final Bootstrap bootstrap;
    private final ChannelFutureListener onConnected = this::connected;
    private Channel channel;
    private boolean ended;
    /** A request is in flight: sent and not yet settled. */
    private boolean inFlight;
    /** {@link Ledger#MEASURED} or {@link Ledger#WARMUP}. */
    private int phase;
    private long intendedNanos;
    private long sentNanos;
    private int status;
    private String backend;
    private boolean keepAlive;
    private byte[] head = new byte[0];
    private int headLength;
    private long bodyBytes;

    NettyConnection(LoopShard shard, Bootstrap shardBootstrap) {
        this.shard = shard;
        this.ledger = shard.ledger();
        this.bootstrap = shardBootstrap.clone().handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel opened) {
                shard.addCodec(opened);
                opened.pipeline().addLast(NettyConnection.this);
            }
        });
    }

    /** Sends the run's request of {@code phase}, due at {@code intendedNanos}, leaving now at {@code nowNanos}. */
    void send(long intendedNanos, long nowNanos, int phase) {
        this.intendedNanos = intendedNanos;
        this.sentNanos = nowNanos;
        this.phase = phase;
        inFlight = true;
        status = 0;
        backend = null;
        keepAlive = true;
        headLength = 0;
        bodyBytes = 0;
        ledger.countSent(phase); // before it can be settled
        if (channel != null && channel.isActive()) {
            write(channel);
        } else {
            closeChannel();
            ChannelFuture connecting = bootstrap.connect();
            channel = connecting.channel();
            connecting.addListener(onConnected);
        }
    }

    /** This connection will send nothing more; it counts its shard's end down once. */
    void end() {
        if (!ended) {
            ended = true;
            shard.connectionEnded();
        }
    }

    /** The watchdog: a request unanswered {@code --timeout} after it was sent is a timeout, its channel closed. */
    void giveUpIfOverdue(long nowNanos) {
        if (inFlight && ledger.overdue(sentNanos, nowNanos)) {
            inFlight = false;
            ledger.sweptTimeout(phase, intendedNanos, sentNanos);
            closeChannel();
            shard.settled(this);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        try {
            if (ctx.channel() != channel || !inFlight) {
                return; // an answer nobody asked for (a stray from a closed channel)
            }
            if (message instanceof HttpResponse response) {
                if (response.decoderResult().isFailure()) {
                    fail(FailureCause.IO_ERROR);
                    return;
                }
                status = response.status().code();
                backend = response.headers().get(X_BACKEND);
                keepAlive = HttpUtil.isKeepAlive(response);
            }
            if (message instanceof HttpContent content) {
                if (content.decoderResult().isFailure()) {
                    fail(FailureCause.IO_ERROR);
                    return;
                }
                keepHead(content.content());
                if (message instanceof LastHttpContent) {
                    answered(System.nanoTime());
                }
            }
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (ctx.channel() != channel) {
            ctx.close();
        } else if (inFlight) {
            fail(FailureCause.of(cause));
        } else {
            closeChannel();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (ctx.channel() != channel) {
            return;
        }
        channel = null;
        if (inFlight) {
            fail(FailureCause.CONNECTION_RESET); // closed by the peer before a complete answer
        }
    }

    private void connected(ChannelFuture connecting) {
        if (connecting.channel() != channel) {
            return; // given up by the watchdog while connecting
        }
        if (!connecting.isSuccess()) {
            channel = null;
            fail(FailureCause.of(connecting.cause()));
        } else if (inFlight) {
            write(channel);
        }
    }

    private void write(Channel target) {
        target.writeAndFlush(shard.request(), target.voidPromise());
    }

    private void keepHead(ByteBuf content) {
        int bytes = content.readableBytes();
        bodyBytes += bytes;
        int kept = Math.min(bytes, Ledger.SCAN_LIMIT_BYTES - headLength);
        if (kept > 0) {
            int needed = headLength + kept;
            if (needed > head.length) {
                head = Arrays.copyOf(head, Math.min(Ledger.SCAN_LIMIT_BYTES, Math.max(FIRST_HEAD_BYTES,
                        Math.max(head.length * 2, needed))));
            }
            content.getBytes(content.readerIndex(), head, headLength, kept);
            headLength = needed;
        }
    }

    private void answered(long answeredNanos) {
        inFlight = false;
        ledger.answered(phase, intendedNanos, sentNanos, answeredNanos, status, head, headLength, backend,
                bodyBytes);
        if (!keepAlive) {
            closeChannel();
        }
        shard.settled(this);
    }

    private void fail(String cause) {
        inFlight = false;
        ledger.failed(phase, intendedNanos, sentNanos, System.nanoTime(), cause);
        closeChannel();
        shard.settled(this);
    }

    private void closeChannel() {
        Channel closing = channel;
        channel = null;
        if (closing != null) {
            closing.close();
        }
    }
}
