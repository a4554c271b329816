package dev.loadlab.client.load;

import java.util.Locale;

/** Which HTTP stack carries a run's requests; the names are those of {@code --transport}. */
public enum TransportKind {
    /** Netty 4.2's HTTP/1.1 codec on event loops: the default, and the cheaper per request. */
    NETTY,
    /** {@code java.net.http.HttpClient}, one virtual thread per connection blocked in {@code send}. */
    JDK;

    /** The name on the command line and in the result files: {@code netty}, {@code jdk}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
