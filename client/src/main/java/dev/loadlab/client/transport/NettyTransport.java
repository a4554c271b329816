package dev.loadlab.client.transport;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.Version;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;

import dev.loadlab.client.load.Load;
import dev.loadlab.client.load.LoadSettings;
import dev.loadlab.client.load.Transport;

/**
 * The netty transport: Netty 4.2's HTTP/1.1 response decoder on {@code --io-threads} event loops
 * (one by default), native epoll where available, else Java NIO ({@code -Dloadlab.netty.io=nio}
 * forces NIO). No thread per connection: the connections of a run are spread over the loops,
 * and each loop sends, reads and settles its own ({@link LoopShard}, {@link NettyConnection}).
 * The request is encoded once per run; buffers come from Netty's pooled allocator.
 *
 * <p><b>Threads.</b> The driving thread opens, starts, sweeps and closes it; {@link #start}
 * hands each shard's start to its loop, and the watchdog's sweep is handed to the loops too, so
 * that every connection is only ever touched by its own loop.
 */
final class NettyTransport implements Transport {
    /** System property choosing the event loop: {@code epoll} (the default where available) or {@code nio}. */
    static final String IO_PROPERTY = "loadlab.netty.io";

    private final MultiThreadIoEventLoopGroup group;
    private final boolean epoll;
    private final int ioThreads;
    private final InetSocketAddress address;
    private final URI url;
    private final byte[] request;
    private final boolean headRequest;
    private final SslContext tls;
    private final List<LoopShard> shards = new ArrayList<>();
    private final LoopPriority.Outcome priority;

    NettyTransport(LoadSettings settings) {
        this.url = settings.url();
        this.epoll = !"nio".equals(System.getProperty(IO_PROPERTY, "epoll").toLowerCase(Locale.ROOT))
                && Epoll.isAvailable();
        this.ioThreads = settings.ioThreads();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory("netty-io", true), io);
        int port = url.getPort() == -1 ? EncodedRequest.defaultPort(url) : url.getPort();
        this.address = new InetSocketAddress(url.getHost(), port); // resolved once, here
        this.request = EncodedRequest.of(settings);
        this.headRequest = "HEAD".equals(settings.method());
        this.tls = AnyCertificate.isTls(url) ? tlsContext() : null;
        decodeOneAnswer();
        openAndCloseOneConnection(settings.timeout().toMillis());
        for (EventExecutor loop : group) {
            loop.submit(() -> { }).awaitUninterruptibly(); // every loop's thread started (Netty starts them lazily)
        }
        this.priority = settings.realtime() ? raisePriority() : LoopPriority.Outcome.NOT_ASKED;
    }

    /** Every loop's thread at real-time priority, or the reason it is not ({@link LoopPriority}). */
    private LoopPriority.Outcome raisePriority() {
        List<Long> threadIds = new ArrayList<>();
        try {
            for (EventExecutor loop : group) {
                threadIds.add(loop.submit(LoopPriority::currentThreadId).get());
            }
            return LoopPriority.raise(threadIds);
        } catch (ExecutionException e) {
            return new LoopPriority.Outcome(false, "no thread id: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new LoopPriority.Outcome(false, "interrupted");
        }
    }

    /**
     * Decodes one canned answer with the run's decoder, off any socket: the decoder's classes are
     * loaded and initialised before the run's clock starts (see {@link #openAndCloseOneConnection}).
     */
    private void decodeOneAnswer() {
        EmbeddedChannel rehearsal = new EmbeddedChannel(new ResponseDecoder(headRequest));
        rehearsal.writeInbound(Unpooled.wrappedBuffer(
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Backend: b\r\n\r\nok".getBytes(StandardCharsets.US_ASCII)));
        for (Object message; (message = rehearsal.readInbound()) != null; ) {
            if (message instanceof HttpResponse response) {
                HttpUtil.isKeepAlive(response);
            }
            ReferenceCountUtil.release(message);
        }
        rehearsal.finishAndReleaseAll();
    }

    /**
     * Loads and initialises what a connection needs (the native epoll library, the channel, TLS and
     * decoder classes, the pipeline) before the run's clock starts, by opening one connection to
     * the target through the codec and closing it; no request is sent. Without it the first
     * requests of a run waited hundreds of milliseconds for class loading (measured: the first four
     * answers of a 1 s run 600 ms late on a busy machine, where the jdk transport's, from the JDK's
     * archived classes, were 18 ms late). A target that refuses is the run's to count.
     */
    private void openAndCloseOneConnection(long timeoutMillis) {
        Bootstrap probe = new Bootstrap().group(group.next())
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel opened) {
                        addCodec(opened);
                    }
                });
        ChannelFuture connected = probe.connect(address);
        if (connected.awaitUninterruptibly(timeoutMillis) && connected.isSuccess()) {
            connected.channel().close().awaitUninterruptibly(timeoutMillis);
        }
    }

    private static SslContext tlsContext() {
        try {
            return SslContextBuilder.forClient().trustManager(AnyCertificate.TRUST).build();
        } catch (SSLException e) {
            throw new IllegalStateException("no TLS context: " + e.getMessage(), e);
        }
    }

    @Override
    public InFlight start(Load load) {
        CountDownLatch ended = new CountDownLatch(load.connections());
        List<Bootstrap> bootstraps = new ArrayList<>();
        for (EventExecutor executor : group) {
            EventLoop loop = (EventLoop) executor;
            shards.add(switch (load) {
                case Load.Closed closed -> new LoopShard.Closed(loop, this, load.ledger(), ended, closed.budget());
                case Load.Open open -> new LoopShard.Open(loop, this, load.ledger(), ended, open.timetable());
            });
            bootstraps.add(new Bootstrap().group(loop)
                    .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 0) // the watchdog ends a connect that hangs
                    .remoteAddress(address));
        }
        for (int i = 0; i < load.connections(); i++) {
            shards.get(i % shards.size()).addConnection(bootstraps.get(i % shards.size()));
        }
        for (LoopShard shard : shards) {
            shard.loop.execute(shard::start);
        }
        return new InFlight() {
            @Override
            public boolean awaitEnded(long nanos) throws InterruptedException {
                return ended.await(nanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public void sweepOverdue() {
                for (LoopShard shard : shards) {
                    shard.loop.execute(shard::sweep);
                }
            }
        };
    }

    /** The encoded request in a pooled direct buffer, one per shard (its duplicates are recycled on its loop). */
    ByteBuf encodedRequest() {
        return PooledByteBufAllocator.DEFAULT.directBuffer(request.length).writeBytes(request);
    }

    /** TLS where the URL says {@code https}, then the response decoder; the connection adds itself after them. */
    void addCodec(Channel opened) {
        if (tls != null) {
            opened.pipeline().addLast(tls.newHandler(opened.alloc(), url.getHost(), address.getPort()));
        }
        opened.pipeline().addLast(new ResponseDecoder(headRequest));
    }

    @Override
    public String description() {
        // Every Netty artifact of the build has the same version; the shaded jar keeps one's file.
        String version = Version.identify().values().stream().map(Version::artifactVersion).findFirst().orElse("4.2");
        return String.format(Locale.ROOT, "netty %s, %s, %d event loop%s%s", version, epoll ? "epoll" : "nio",
                ioThreads, ioThreads == 1 ? "" : "s", priority.describe());
    }

    @Override
    public Optional<String> warning() {
        return priority.refusal() == null ? Optional.empty() : Optional.of("--realtime refused ("
                + priority.refusal() + "): the event loops run at normal priority, so their wake-ups may wait"
                + " behind the machine's other threads");
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        shards.forEach(LoopShard::release);
    }

    /**
     * Netty's response decoder, told that answers to HEAD have no body (it cannot know: the
     * request bytes do not pass its encoder). Header values are not validated: only the status,
     * {@code X-Backend} and {@code Connection} are read.
     */
    private static final class ResponseDecoder extends HttpResponseDecoder {
        private final boolean headRequest;

        ResponseDecoder(boolean headRequest) {
            super(new HttpDecoderConfig().setValidateHeaders(false));
            this.headRequest = headRequest;
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage message) {
            return headRequest || super.isContentAlwaysEmpty(message);
        }
    }
}
