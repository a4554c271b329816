package dev.loadlab.balancer.backend;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientExchange;
import io.undertow.client.ClientRequest;
import io.undertow.client.UndertowClient;
import io.undertow.connector.ByteBufferPool;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StringReadChannelListener;
import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.XnioIoThread;

/**
 * Prequal's probes, {@code GET /probe}, sent on the balancer's own connections, off the request
 * path.
 *
 * <p>Each I/O thread keeps one probe connection per backend, opened on that thread by Undertow's
 * client, so that a probe is sent, answered and read on the thread that asked for it, with no lock
 * and no other thread involved. A connection carries one probe at a time: a probe asked for while
 * the previous one is still out is skipped (and counted), so the probe rate follows the requests
 * but never exceeds one per round trip per connection. Probes take neither a backend's places for
 * requests nor a connection of the proxy's pool.
 *
 * <p>A probe fails on a connect error, a broken connection, an answer other than 200 with both
 * figures, or no answer within the timeout; a failure counts against the backend as a failed
 * health check does ({@code --fall} in a row: DOWN), a success as a passed one. The timeout needs
 * no timer: when a probe of that backend is next asked for on that thread, an overdue one is given
 * up and its connection closed.
 *
 * <p>Threading: {@link #send} runs on I/O threads, and each connection's state and callbacks only
 * on its own I/O thread; the counters are {@link LongAdder}s.
 */
public final class Prober implements ProbeSender {
    private static final JsonFactory JSON = new JsonFactory();
    private static final OptionMap OPTIONS = OptionMap.create(Options.TCP_NODELAY, true);

    private final Backends backends;
    private final ByteBufferPool buffers;
    private final long timeoutNanos;
    private final ThreadLocal<Map<Backend, ProbeConnection>> connections = ThreadLocal.withInitial(IdentityHashMap::new);
    private final LongAdder sent = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder skipped = new LongAdder();

    /**
     * @param buffers       the balancer's buffer pool, for the probe connections
     * @param timeoutMillis a probe not answered within this has failed
     */
    public Prober(Backends backends, ByteBufferPool buffers, long timeoutMillis) {
        this.backends = backends;
        this.buffers = buffers;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    /** On an I/O thread: sends a probe on this thread's connection to {@code target}, unless one is out. */
    @Override
    public void send(Backend target, Answers answers) {
        XnioIoThread thread = XnioIoThread.requireCurrentThread();
        connections.get().computeIfAbsent(target, backend -> new ProbeConnection(backend, thread)).send(answers);
    }

    @Override
    public Map<String, Long> stats() {
        Map<String, Long> figures = new LinkedHashMap<>();
        figures.put("probes_sent", sent.sum());
        figures.put("probes_failed", failed.sum());
        figures.put("probes_skipped_busy", skipped.sum());
        return figures;
    }

    /** A probe's two figures. */
    record Figures(int inFlight, long latencyNanos) {
    }

    /** Reads {@code {"in_flight":N,"latency_ms":X}}; null unless both are there and not negative. */
    static Figures parse(String body) {
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            long inFlight = -1;
            double latencyMillis = -1;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("in_flight") && value == JsonToken.VALUE_NUMBER_INT) {
                    inFlight = parser.getLongValue();
                } else if (name.equals("latency_ms") && value.isNumeric()) {
                    latencyMillis = parser.getDoubleValue();
                } else {
                    parser.skipChildren();
                }
            }
            if (inFlight < 0 || inFlight > Integer.MAX_VALUE || !(latencyMillis >= 0)) {
                return null;
            }
            return new Figures((int) inFlight, Math.round(latencyMillis * 1e6));
        } catch (IOException e) {
            return null;
        }
    }

    /** One I/O thread's probe connection to one backend. Touched only by that thread. */
    private final class ProbeConnection {
        private final Backend backend;
        private final XnioIoThread thread;
        private ClientConnection connection;
        /** Probes sent on this connection so far; each probe is known by its number. */
        private long probes;
        /** The number of the probe out, 0 if none: callbacks of an earlier probe see it changed and do nothing. */
        private long outstanding;
        private long sentNanos;

        ProbeConnection(Backend backend, XnioIoThread thread) {
            this.backend = backend;
            this.thread = thread;
        }

        void send(Answers answers) {
            long now = System.nanoTime();
            if (outstanding != 0) {
                if (now - sentNanos <= timeoutNanos) {
                    skipped.increment();
                    return;
                }
                fail(outstanding); // overdue: given up, its connection closed
            }
            long probe = ++probes;
            outstanding = probe;
            sentNanos = now;
            sent.increment();
            if (connection != null && connection.isOpen()) {
                request(probe, answers);
            } else {
                connect(probe, answers);
            }
        }

        private void connect(long probe, Answers answers) {
            UndertowClient.getInstance().connect(new ClientCallback<>() {
                @Override
                public void completed(ClientConnection opened) {
                    if (probe != outstanding) {
                        IoUtils.safeClose(opened); // that probe was given up meanwhile
                        return;
                    }
                    connection = opened;
                    request(probe, answers);
                }

                @Override
                public void failed(IOException e) {
                    fail(probe);
                }
            }, backend.address().uri(), thread, buffers, OPTIONS);
        }

        private void request(long probe, Answers answers) {
            ClientRequest request = new ClientRequest().setMethod(Methods.GET).setPath("/probe");
            request.getRequestHeaders().put(Headers.HOST, backend.address().hostAndPort());
            connection.sendRequest(request, new ClientCallback<>() {
                @Override
                public void completed(ClientExchange exchange) {
                    exchange.setResponseListener(new ClientCallback<>() {
                        @Override
                        public void completed(ClientExchange answered) {
                            int status = answered.getResponse().getResponseCode();
                            new StringReadChannelListener(buffers) {
                                @Override
                                protected void stringDone(String body) {
                                    answered(probe, status, body, answers);
                                }

                                @Override
                                protected void error(IOException e) {
                                    fail(probe);
                                }
                            }.setup(answered.getResponseChannel());
                        }

                        @Override
                        public void failed(IOException e) {
                            fail(probe);
                        }
                    });
                }

                @Override
                public void failed(IOException e) {
                    fail(probe);
                }
            });
        }

        private void answered(long probe, int status, String body, Answers answers) {
            if (probe != outstanding) {
                return;
            }
            Figures figures = status == 200 ? parse(body) : null;
            if (figures == null) {
                fail(probe);
                return;
            }
            outstanding = 0;
            answers.answered(backend, figures.inFlight(), figures.latencyNanos());
            backends.checked(backend, true);
        }

        private void fail(long probe) {
            if (probe != outstanding) {
                return;
            }
            outstanding = 0;
            IoUtils.safeClose(connection);
            connection = null;
            failed.increment();
            backends.checked(backend, false);
        }
    }
}
