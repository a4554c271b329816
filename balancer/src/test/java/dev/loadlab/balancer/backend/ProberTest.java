package dev.loadlab.balancer.backend;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the prober accepts as a probe's answer. */
class ProberTest {

    @Test
    void readsBothFiguresInAnyOrderAmongOtherFields() {
        assertThat(Prober.parse("{\"in_flight\":7,\"latency_ms\":12.5}")).isEqualTo(new Prober.Figures(7, 12_500_000));
        assertThat(Prober.parse("{ \"latency_ms\" : 3, \"model\" : \"async\", \"lanes\" : {\"fifo\" : 1},"
                + " \"in_flight\" : 0 }")).isEqualTo(new Prober.Figures(0, 3_000_000));
    }

    @Test
    void refusesAnAnswerWithoutBothFiguresOrWithNegativeOnes() {
        assertThat(Prober.parse("{\"in_flight\":7}")).isNull();
        assertThat(Prober.parse("{\"latency_ms\":7}")).isNull();
        assertThat(Prober.parse("{\"in_flight\":-1,\"latency_ms\":1}")).isNull();
        assertThat(Prober.parse("{\"in_flight\":1.5,\"latency_ms\":1}")).isNull();
        assertThat(Prober.parse("{\"in_flight\":1,\"latency_ms\":\"fast\"}")).isNull();
        assertThat(Prober.parse("not json")).isNull();
        assertThat(Prober.parse("[1,2]")).isNull();
        assertThat(Prober.parse("")).isNull();
    }
}
