package dev.loadlab.suite.history;

/**
 * A figure {@code compare} sets side by side, with the {@code runs} column it comes from and which
 * way is better. The headline figures are what {@code --fail-on-regression} and the report's trend
 * charts watch: goodput and the p99 latency.
 */
public enum Figure {
    GOODPUT("goodput req/s", "successful_throughput_rps", true, true, 0),
    P50("p50 ms", "p50_ms", false, false, 2),
    P99("p99 ms", "p99_ms", false, true, 2);

    private final String label;
    private final String column;
    private final boolean higherIsBetter;
    private final boolean headline;
    private final int decimals;

    Figure(String label, String column, boolean higherIsBetter, boolean headline, int decimals) {
        this.label = label;
        this.column = column;
        this.higherIsBetter = higherIsBetter;
        this.headline = headline;
        this.decimals = decimals;
    }

    public String label() {
        return label;
    }

    String column() {
        return column;
    }

    /** True when a larger value is the better one (goodput); false for latencies. */
    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    public boolean headline() {
        return headline;
    }

    /** Decimals it is printed with. */
    int decimals() {
        return decimals;
    }
}
