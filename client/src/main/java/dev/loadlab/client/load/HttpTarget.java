package dev.loadlab.client.load;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

/**
 * The one HTTP client of a run and the one request it repeats.
 *
 * <p>The client speaks HTTP/1.1 only and runs its completions in place
 * ({@code executor(Runnable::run)}): with its default executor every completion is handed
 * to another thread, which costs several times the CPU per request. HTTP/1.1 opens a
 * connection whenever none is idle, so a closed loop of C workers uses at most C
 * connections and the open loop is never held back by a connection limit.
 *
 * <p>Thread-safe: {@link #send} is called by every dispatching thread.
 */
final class HttpTarget implements AutoCloseable {
    private final HttpClient client;
    private final HttpRequest request;

    HttpTarget(LoadSettings settings) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(Runnable::run)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.timeout())
                .build();
        HttpRequest.Builder builder = HttpRequest.newBuilder(settings.url()).timeout(settings.timeout());
        if (settings.body().isPresent()) {
            builder.header("Content-Type", "application/json")
                    .method(settings.method(), HttpRequest.BodyPublishers.ofString(settings.body().get()));
        } else {
            builder.method(settings.method(), HttpRequest.BodyPublishers.noBody());
        }
        // Immutable and reusable: one request object serves the whole run.
        this.request = builder.build();
    }

    /** Sends the request once; the exchange times and records the answer itself. */
    CompletableFuture<HttpResponse<Void>> send(Exchange exchange) {
        try {
            CompletableFuture<HttpResponse<Void>> response = client.sendAsync(request, exchange);
            exchange.attach(response);
            return response;
        } catch (RuntimeException refused) {
            return CompletableFuture.failedFuture(refused);
        }
    }

    /** Aborts whatever is still open (warm-up stragglers, swept exchanges). */
    @Override
    public void close() {
        client.shutdownNow();
    }
}
