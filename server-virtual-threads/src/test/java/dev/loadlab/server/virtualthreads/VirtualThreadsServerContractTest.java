package dev.loadlab.server.virtualthreads;

import dev.loadlab.api.cli.ServerOptions;
import dev.loadlab.api.contract.ServerContract;
import dev.loadlab.api.http.ConcurrencyModel;

/** The HTTP contract, run against the virtual-thread server. */
class VirtualThreadsServerContractTest extends ServerContract {
    @Override
    protected ConcurrencyModel model(ServerOptions options) {
        return new VirtualThreadModel();
    }

    @Override
    protected String modelName() {
        return "virtual-threads";
    }

    @Override
    protected Class<?> mainClass() {
        return VirtualThreadsServer.class;
    }
}
