package dev.loadlab.balancer.backend;

/** Backends for unit tests of the strategies, with no connection pool. */
public final class TestBackends {
    private TestBackends() {
    }

    /** A backend whose first health check has passed. */
    public static Backend healthy(String url) {
        Backend backend = new Backend(BackendAddress.parse(url), null);
        backend.healthy(true);
        return backend;
    }
}
