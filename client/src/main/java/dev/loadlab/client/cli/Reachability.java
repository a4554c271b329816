package dev.loadlab.client.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;

/**
 * The pre-flight check of a run: can a TCP connection to the target be opened at all?
 * A target that cannot be reached is a bad argument, reported before any load is sent.
 */
final class Reachability {
    private static final Duration MAX_CHECK = Duration.ofSeconds(3);

    private Reachability() {
    }

    /** Empty when reachable; otherwise why not, as a short phrase. */
    static Optional<String> problem(URI url, Duration timeout) {
        int port = url.getPort() != -1 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
        int timeoutMillis = (int) Math.max(1, Math.min(timeout.toMillis(), MAX_CHECK.toMillis()));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(url.getHost(), port), timeoutMillis);
            return Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.of("unknown host " + url.getHost());
        } catch (ConnectException e) {
            return Optional.of("connection refused by " + url.getHost() + ":" + port);
        } catch (SocketTimeoutException e) {
            return Optional.of("no TCP connection to " + url.getHost() + ":" + port + " within " + timeoutMillis + " ms");
        } catch (IOException | IllegalArgumentException e) {
            return Optional.of(url.getHost() + ":" + port + ": " + e.getMessage());
        }
    }
}
