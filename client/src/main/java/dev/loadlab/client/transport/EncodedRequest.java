package dev.loadlab.client.transport;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import dev.loadlab.client.load.LoadSettings;

/**
 * The one request of a run, encoded once as the bytes of an HTTP/1.1 request: request line,
 * {@code Host}, {@code Content-Type} and {@code Content-Length} with a body. Nothing in it
 * varies per request, so the netty transport sends these bytes as they are. Stateless.
 */
final class EncodedRequest {
    private EncodedRequest() {
    }

    static byte[] of(LoadSettings settings) {
        URI url = settings.url();
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        String target = url.getRawQuery() == null ? path : path + '?' + url.getRawQuery();
        StringBuilder head = new StringBuilder(128 + target.length())
                .append(settings.method()).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(hostHeader(url)).append("\r\n");
        byte[] body = settings.body().map(text -> text.getBytes(StandardCharsets.UTF_8)).orElse(null);
        if (body != null) {
            head.append("Content-Type: application/json\r\n")
                    .append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
        if (body == null) {
            return headBytes;
        }
        byte[] whole = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, whole, 0, headBytes.length);
        System.arraycopy(body, 0, whole, headBytes.length, body.length);
        return whole;
    }

    /** {@code host} or {@code host:port}, the port only when it is not the scheme's default. */
    private static String hostHeader(URI url) {
        int port = url.getPort();
        boolean defaultPort = port == -1 || port == defaultPort(url);
        return defaultPort ? url.getHost() : url.getHost() + ':' + port;
    }

    static int defaultPort(URI url) {
        return AnyCertificate.isTls(url) ? 443 : 80;
    }
}
