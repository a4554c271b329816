package dev.loadlab.api.http;

import dev.loadlab.api.lane.Lane;
import dev.loadlab.api.lane.Lanes;
import dev.loadlab.api.stats.ServiceTimesByLoad;
import dev.loadlab.api.work.SimulatedWork;

/**
 * What the handlers of one server share: who it is, its lanes, its drain gate, the simulated work
 * its requests do (and the {@code --slowdown} it was made with), and the recent service times
 * {@code /probe} reports. One per {@link ApiServer}; every {@link ApiRequest} carries it to the model.
 *
 * <p>Threading: read by I/O threads and whichever thread serves a request; the identity is set
 * once the port is bound (volatile), everything else is final or safe for any thread.
 */
public final class ServerState {
    private final Lanes lanes;
    private final SimulatedWork work;
    private final int slowdown;
    private final ServiceTimesByLoad serviceTimes = new ServiceTimesByLoad();
    private final long startNanos = System.nanoTime();
    private final DrainGate gate = new DrainGate();
    private volatile ServerIdentity identity;

    ServerState(String modelName, Lanes lanes, SimulatedWork work, int slowdown) {
        this.lanes = lanes;
        this.work = work;
        this.slowdown = slowdown;
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

    /** The {@code --slowdown} the server was started with, shown in its start line, /stats and /health. */
    int slowdown() {
        return slowdown;
    }

    ServiceTimesByLoad serviceTimes() {
        return serviceTimes;
    }

    /** Requests in service or waiting, over all lanes. */
    int inFlight() {
        int inFlight = 0;
        for (Lane lane : lanes.all()) {
            inFlight += lane.inFlight();
        }
        return inFlight;
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
