package dev.loadlab.api.http;

import dev.loadlab.api.lane.Lanes;
import dev.loadlab.api.work.SimulatedWork;

/**
 * What the handlers of one server share: who it is, its lanes, its drain gate, and the simulated
 * work its requests do. One per {@link ApiServer}; every {@link ApiRequest} carries it to the model.
 *
 * <p>Threading: read by I/O threads and whichever thread serves a request; the identity is set
 * once the port is bound (volatile), everything else is final.
 */
public final class ServerState {
    private final Lanes lanes;
    private final SimulatedWork work;
    private final long startNanos = System.nanoTime();
    private final DrainGate gate = new DrainGate();
    private volatile ServerIdentity identity;

    ServerState(String modelName, Lanes lanes, SimulatedWork work) {
        this.lanes = lanes;
        this.work = work;
        this.identity = new ServerIdentity(modelName, modelName);
    }

    public ServerIdentity identity() {
        return identity;
    }

    void identity(ServerIdentity identity) {
        this.identity = identity;
    }

    /** What serving a request costs: the I/O wait and the CPU work. */
    public SimulatedWork work() {
        return work;
    }

    Lanes lanes() {
        return lanes;
    }

    DrainGate gate() {
        return gate;
    }

    double uptimeSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
