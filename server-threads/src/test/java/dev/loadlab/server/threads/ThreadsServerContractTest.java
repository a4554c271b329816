package dev.loadlab.server.threads;

import dev.loadlab.api.cli.ServerOptions;
import dev.loadlab.api.contract.ServerContract;
import dev.loadlab.api.http.ConcurrencyModel;

/** The HTTP contract, run against the platform-thread server. */
class ThreadsServerContractTest extends ServerContract {
    @Override
    protected ConcurrencyModel model(ServerOptions options) {
        return new PlatformThreadModel(options.laneSettings());
    }

    @Override
    protected String modelName() {
        return "threads";
    }

    @Override
    protected Class<?> mainClass() {
        return ThreadsServer.class;
    }
}
