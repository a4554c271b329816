package dev.loadlab.api.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A small HTTP client for the contract tests: real requests to a server on loopback. */
final class Http {
    /** Every answer is awaited at most this long: generous, so that a busy machine never fails a test. */
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(30);

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(ANSWER_WITHIN)
            .build();
    private final InetSocketAddress address;

    Http(InetSocketAddress address) {
        this.address = address;
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + address.getPort() + pathAndQuery);
    }

    HttpResponse<String> get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET());
    }

    HttpResponse<String> post(String pathAndQuery, String body) {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    HttpResponse<String> method(String method, String pathAndQuery) {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return client.send(request.timeout(ANSWER_WITHIN).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    CompletableFuture<HttpResponse<String>> getAsync(String pathAndQuery) {
        return client.sendAsync(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(ANSWER_WITHIN).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Writes raw bytes on a fresh connection and returns everything the server sends until it closes or idles. */
    String raw(String request) {
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder answer = new StringBuilder();
            byte[] buffer = new byte[8192];
            try {
                for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                    answer.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                }
            } catch (java.net.SocketTimeoutException idle) {
                // a kept-alive connection: everything sent so far is the answer
            } catch (java.net.SocketException reset) {
                // the server closed after answering
            }
            return answer.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A field of a flat JSON answer, as text (strings unquoted); null when absent. */
    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|[^,}\\s]+)")
                .matcher(json);
        if (!m.find()) {
            return null;
        }
        return m.group(2) != null ? m.group(2) : m.group(1);
    }

    static long longField(String json, String name) {
        return Long.parseLong(field(json, name));
    }

    static double doubleField(String json, String name) {
        return Double.parseDouble(field(json, name));
    }
}
