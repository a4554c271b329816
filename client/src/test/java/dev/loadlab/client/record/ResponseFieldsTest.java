package dev.loadlab.client.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ResponseFieldsTest {

    private static byte[] bytes(String body) {
        return body.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsQueuedAndServiceTimesInMicroseconds() {
        byte[] body = bytes("{\"id\":\"abc\",\"model\":\"virtual-threads\",\"instance\":\"vt-1\",\"discipline\":\"lifo\","
                + "\"queued_ms\":0.42,\"service_ms\":20.13,\"queue_depth\":3}");

        assertThat(ResponseFields.queuedMicros(body, body.length)).isEqualTo(420);
        assertThat(ResponseFields.serviceMicros(body, body.length)).isEqualTo(20_130);
    }

    @Test
    void ignoresKeyNamesInsideStringValues() {
        byte[] body = bytes("{\"id\":\"x,\\\"queued_ms\\\":9\", \"queued_ms\" : 1.5e0}");

        assertThat(ResponseFields.queuedMicros(body, body.length)).isEqualTo(1_500);
    }

    @Test
    void answersMinusOneWhenAbsentOrNotANumber() {
        byte[] body = bytes("{\"queued_ms\":null,\"service\":3}");

        assertThat(ResponseFields.queuedMicros(body, body.length)).isEqualTo(-1);
        assertThat(ResponseFields.serviceMicros(body, body.length)).isEqualTo(-1);
        assertThat(ResponseFields.serviceMicros(bytes("not json"), 8)).isEqualTo(-1);
    }

    @Test
    void readsTheErrorCodeOfAnErrorAnswer() {
        byte[] body = bytes("{\"error\":\"queue_full\",\"message\":\"the \\\"error\\\":\\\"x\\\" queue is full\"}");

        assertThat(ResponseFields.errorCode(body, body.length)).isEqualTo("queue_full");
        assertThat(ResponseFields.errorCode(bytes("{\"status\":\"UP\"}"), 15)).isNull();
    }

    @Test
    void scansOnlyTheGivenLength() {
        byte[] body = bytes("{\"queued_ms\":12.5}");

        assertThat(ResponseFields.queuedMicros(body, 10)).isEqualTo(-1);
    }
}
