package dev.loadlab.client.transport;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;

import dev.loadlab.client.load.LoadSettings;

/**
 * The one HTTP client of a run and the one request it repeats.
 *
 * <p>The client speaks HTTP/1.1 only and runs its internal completions in place
 * ({@code executor(Runnable::run)}): with its default executor every completion is handed
 * to another thread, which costs several times the CPU per request. Senders call the
 * blocking {@link HttpClient#send}, which (unlike {@code sendAsync} with an executor set)
 * adds no hop to another pool: the selector thread completes the exchange and unparks the
 * sender's virtual thread.
 *
 * <p>HTTP/1.1 keeps one request in flight per connection and opens a connection only when
 * none is idle, so N senders, each waiting for its answer before sending again, use at most
 * N connections.
 *
 * <p>Thread-safe: {@link #send} is called by every sender.
 */
final class HttpTarget implements AutoCloseable {
    private final HttpClient client;
    private final HttpRequest request;

    HttpTarget(LoadSettings settings) {
        HttpClient.Builder clientBuilder = HttpClient.newBuilder();
        if (AnyCertificate.isTls(settings.url())) {
            clientBuilder.sslContext(AnyCertificate.sslContext());
        }
        this.client = clientBuilder
                .version(HttpClient.Version.HTTP_1_1)
                .executor(Runnable::run)
                .followRedirects(HttpClient.Redirect.NEVER)
                // Without a proxy of its own the client asks the system's proxy selector on every request.
                .proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(settings.timeout())
                .build();
        // No request timeout: it would cost a timer per request. The run's watchdog ends every
        // exchange not answered within --timeout (Ledger#sweepOverdue).
        HttpRequest.Builder builder = HttpRequest.newBuilder(settings.url());
        if (settings.body().isPresent()) {
            builder.header("Content-Type", "application/json")
                    .method(settings.method(), HttpRequest.BodyPublishers.ofString(settings.body().get()));
        } else {
            builder.method(settings.method(), HttpRequest.BodyPublishers.noBody());
        }
        // Immutable and reusable: one request object serves the whole run.
        this.request = builder.build();
    }

    /**
     * Sends the request once and blocks until the exchange has its answer or failed.
     *
     * @return null when the whole answer arrived (any status), else the failure
     */
    Throwable send(HttpClientExchange exchange) {
        try {
            client.send(request, exchange);
            return null;
        } catch (IOException | RuntimeException failure) {
            return failure;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return interrupted;
        }
    }

    /** Aborts whatever is still open (warm-up stragglers). */
    @Override
    public void close() {
        client.shutdownNow();
    }
}
