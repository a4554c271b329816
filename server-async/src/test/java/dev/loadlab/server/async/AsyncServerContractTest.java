package dev.loadlab.server.async;

import dev.loadlab.api.cli.ServerOptions;
import dev.loadlab.api.contract.ServerContract;
import dev.loadlab.api.http.ConcurrencyModel;

/** The HTTP contract, run against the async server. */
class AsyncServerContractTest extends ServerContract {
    @Override
    protected ConcurrencyModel model(ServerOptions options) {
        return new EventLoopModel();
    }

    @Override
    protected String modelName() {
        return "async";
    }

    @Override
    protected Class<?> mainClass() {
        return AsyncServer.class;
    }
}
