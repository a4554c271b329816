package dev.loadlab.api.http;

/**
 * How a server serves validated work requests: the only thing that differs between loadlab's
 * servers. A model admits each request to its lane, makes it wait in its own way when the lane
 * says so, performs the work, answers, and releases the lane.
 */
public interface ConcurrencyModel extends AutoCloseable {

    /** The model's name on the wire: {@code threads}, {@code virtual-threads} or {@code async}. */
    String name();

    /**
     * Serves one request. Called on the exchange's I/O thread, inside Undertow's root handler; the
     * exchange is not dispatched yet. The model must answer the request exactly once, through
     * {@link ExchangeWaiter}'s answers, and must keep the I/O thread free of blocking calls.
     */
    void process(ApiRequest request);

    /** Stops the model's own threads; called after the server has drained. */
    @Override
    void close();
}
