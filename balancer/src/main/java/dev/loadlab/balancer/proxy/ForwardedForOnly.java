package dev.loadlab.balancer.proxy;

import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientExchange;
import io.undertow.client.ClientRequest;
import io.undertow.client.ClientStatistics;
import io.undertow.connector.ByteBufferPool;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import org.xnio.ChannelListener;
import org.xnio.Option;
import org.xnio.StreamConnection;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;

/**
 * A backend connection that sends requests with {@code X-Forwarded-For} as their only forwarding
 * header, as HAProxy's {@code option forwardfor} does.
 *
 * <p>Undertow's proxy handler always adds {@code X-Forwarded-Proto}, {@code -Host}, {@code -Port}
 * and {@code -Server} too, with no option to leave them out, and then sends the request on the
 * connection it was given. Given this one, those four are removed on the way: nothing of the
 * balancer's contract needs them, and each costs the balancer and the backend work on every
 * request. Everything else is the wrapped connection's own.
 *
 * <p>Threading: as the wrapped connection; {@link #sendRequest} runs on its I/O thread.
 */
final class ForwardedForOnly implements ClientConnection {
    private final ClientConnection connection;

    ForwardedForOnly(ClientConnection connection) {
        this.connection = connection;
    }

    @Override
    public void sendRequest(ClientRequest request, ClientCallback<ClientExchange> clientCallback) {
        HeaderMap headers = request.getRequestHeaders();
        headers.remove(Headers.X_FORWARDED_PROTO);
        headers.remove(Headers.X_FORWARDED_HOST);
        headers.remove(Headers.X_FORWARDED_PORT);
        headers.remove(Headers.X_FORWARDED_SERVER);
        connection.sendRequest(request, clientCallback);
    }

    @Override
    public StreamConnection performUpgrade() throws IOException {
        return connection.performUpgrade();
    }

    @Override
    public ByteBufferPool getBufferPool() {
        return connection.getBufferPool();
    }

    @Override
    public SocketAddress getPeerAddress() {
        return connection.getPeerAddress();
    }

    @Override
    public <A extends SocketAddress> A getPeerAddress(Class<A> type) {
        return connection.getPeerAddress(type);
    }

    @Override
    public ChannelListener.Setter<? extends ClientConnection> getCloseSetter() {
        return connection.getCloseSetter();
    }

    @Override
    public SocketAddress getLocalAddress() {
        return connection.getLocalAddress();
    }

    @Override
    public <A extends SocketAddress> A getLocalAddress(Class<A> type) {
        return connection.getLocalAddress(type);
    }

    @Override
    public XnioWorker getWorker() {
        return connection.getWorker();
    }

    @Override
    public XnioIoThread getIoThread() {
        return connection.getIoThread();
    }

    @Override
    public boolean isOpen() {
        return connection.isOpen();
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }

    @Override
    public boolean supportsOption(Option<?> option) {
        return connection.supportsOption(option);
    }

    @Override
    public <T> T getOption(Option<T> option) throws IOException {
        return connection.getOption(option);
    }

    @Override
    public <T> T setOption(Option<T> option, T value) throws IOException {
        return connection.setOption(option, value);
    }

    @Override
    public boolean isUpgraded() {
        return connection.isUpgraded();
    }

    @Override
    public boolean isPushSupported() {
        return connection.isPushSupported();
    }

    @Override
    public boolean isMultiplexingSupported() {
        return connection.isMultiplexingSupported();
    }

    @Override
    public ClientStatistics getStatistics() {
        return connection.getStatistics();
    }

    @Override
    public boolean isUpgradeSupported() {
        return connection.isUpgradeSupported();
    }

    @Override
    public void addCloseListener(ChannelListener<ClientConnection> listener) {
        connection.addCloseListener(listener);
    }

    @Override
    public boolean isPingSupported() {
        return connection.isPingSupported();
    }

    @Override
    public void sendPing(PingListener listener, long timeout, TimeUnit timeUnit) {
        connection.sendPing(listener, timeout, timeUnit);
    }
}
