package dev.loadlab.client.transport;

import dev.loadlab.client.load.LoadSettings;
import dev.loadlab.client.load.Transport;

/** Opens the transport a run's settings name. */
public final class Transports {
    private Transports() {
    }

    /** A transport for {@code settings}, ready to {@link Transport#start}; the caller closes it. */
    public static Transport open(LoadSettings settings) {
        return switch (settings.transport()) {
            case NETTY -> new NettyTransport(settings);
            case JDK -> new JdkTransport(settings);
        };
    }
}
