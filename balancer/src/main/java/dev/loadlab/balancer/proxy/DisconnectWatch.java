package dev.loadlab.balancer.proxy;

import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.AbstractServerConnection;
import io.undertow.server.Connectors;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import org.xnio.ChannelListener;
import org.xnio.conduits.ConduitStreamSourceChannel;

/**
 * Notices a client that closes its connection while its request waits in the balancer's queue.
 *
 * <p>Once a request has been read, Undertow stops reading its connection until the answer is sent,
 * so a client that goes away is not noticed until then. While the request waits, this watch
 * reads the connection itself: end of stream means the client left; any bytes are the client's
 * next (pipelined) request, given back to Undertow untouched, and the watch ends there. Undertow's
 * own read listener is restored when the watch stops.
 *
 * <p>Threading: started, fired and stopped on the exchange's I/O thread only.
 */
final class DisconnectWatch implements ChannelListener<ConduitStreamSourceChannel> {
    private final HttpServerExchange exchange;
    private final Runnable onDisconnect;
    private ConduitStreamSourceChannel source;
    private ChannelListener<? super ConduitStreamSourceChannel> undertowListener;

    private DisconnectWatch(HttpServerExchange exchange, Runnable onDisconnect) {
        this.exchange = exchange;
        this.onDisconnect = onDisconnect;
    }

    /** Starts watching, if the connection is one whose socket can be read (HTTP/1.1); else returns an inert watch. */
    static DisconnectWatch start(HttpServerExchange exchange, Runnable onDisconnect) {
        DisconnectWatch watch = new DisconnectWatch(exchange, onDisconnect);
        if (exchange.getConnection() instanceof AbstractServerConnection connection && exchange.isRequestComplete()) {
            watch.source = connection.getChannel().getSourceChannel();
            watch.undertowListener = watch.source.getReadListener();
            watch.source.setReadListener(watch);
            watch.source.resumeReads();
        }
        return watch;
    }

    @Override
    public void handleEvent(ConduitStreamSourceChannel channel) {
        PooledByteBuffer buffer = exchange.getConnection().getByteBufferPool().allocate();
        boolean keep = false;
        try {
            int read = channel.read(buffer.getBuffer());
            if (read < 0) {
                stop();
                onDisconnect.run();
            } else if (read > 0) {
                buffer.getBuffer().flip();
                stop();
                Connectors.ungetRequestBytes(exchange, buffer); // the next request: Undertow reads it later
                keep = true;
            }
        } catch (IOException e) {
            stop();
            onDisconnect.run(); // a reset is a departure too
        } finally {
            if (!keep) {
                buffer.close();
            }
        }
    }

    /** Stops watching and gives the connection back to Undertow's reader; idempotent. */
    void stop() {
        if (source != null) {
            source.suspendReads();
            source.setReadListener(undertowListener);
            source = null;
        }
    }
}
