/**
 * The two transports behind {@link dev.loadlab.client.load.Transport}, opened by
 * {@link dev.loadlab.client.transport.Transports}:
 * <ul>
 *   <li><b>netty</b> (the default): Netty 4.2's HTTP/1.1 response decoder on one event loop (or
 *       {@code --io-threads}), native epoll where available. No thread per connection: a closed
 *       loop sends each connection's next request from the callback that settled its last; an
 *       open loop sends due slots at each wake-up of its grid (1 ms, or {@code --wake-grid}), and
 *       at an answer only the slots that waited for a connection.
 *       Classes: {@code NettyTransport}, {@code LoopShard}, {@code NettyConnection},
 *       {@code EncodedRequest}.</li>
 *   <li><b>jdk</b>: {@code java.net.http.HttpClient}, one virtual thread per connection blocked in
 *       {@code send}. Classes: {@code JdkTransport}, {@code SenderGroup}, {@code Sender},
 *       {@code HttpClientExchange}, {@code HttpTarget}, {@code JdkClosedLoop}, {@code JdkOpenLoop}.</li>
 * </ul>
 * Both trust any server certificate on {@code https://} ({@code AnyCertificate}), as wrk does.
 */
package dev.loadlab.client.transport;
