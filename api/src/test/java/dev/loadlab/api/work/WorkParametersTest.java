package dev.loadlab.api.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loadlab.api.error.ApiError;
import dev.loadlab.api.error.ApiException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkParametersTest {
    private final WorkParameters parameters = new WorkParameters(10, 0);

    private static byte[] body(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void usesTheServerDefaultsWhenTheRequestDoesNotSay() {
        assertThat(parameters.parse(null, null)).isEqualTo(new WorkRequest(10, 0, 0, null));
    }

    @Test
    void readsTheQueryString() {
        assertThat(parameters.parse("io_ms=20&cpu_ms=3&payload_bytes=100&id=a%20b", null))
                .isEqualTo(new WorkRequest(20, 3, 100, "a b"));
    }

    @Test
    void readsTheJsonBody() {
        assertThat(parameters.parse("", body("{\"io_ms\":20,\"cpu_ms\":0,\"id\":\"abc\",\"payload_bytes\":7}")))
                .isEqualTo(new WorkRequest(20, 0, 7, "abc"));
    }

    @Test
    void queryWinsOverBody() {
        assertThat(parameters.parse("io_ms=5", body("{\"io_ms\":20,\"id\":\"x\"}")))
                .isEqualTo(new WorkRequest(5, 0, 0, "x"));
    }

    @Test
    void jsonNullMeansNotGiven() {
        assertThat(parameters.parse(null, body("{\"io_ms\":null}")).ioMillis()).isEqualTo(10);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "io_ms=abc         | io_ms must be a whole number of milliseconds from 0 to 60000, got 'abc'",
        "io_ms=60001       | io_ms must be a whole number of milliseconds from 0 to 60000, got '60001'",
        "io_ms=-1          | io_ms must be a whole number of milliseconds from 0 to 60000, got '-1'",
        "io_ms=1.5         | io_ms must be a whole number of milliseconds from 0 to 60000, got '1.5'",
        "io_ms=            | io_ms must be a whole number of milliseconds from 0 to 60000, got ''",
        "cpu_ms=10001      | cpu_ms must be a whole number of milliseconds from 0 to 10000, got '10001'",
        "payload_bytes=1048577 | payload_bytes must be a whole number of bytes from 0 to 1048576, got '1048577'",
        "io-ms=5           | unknown parameter 'io-ms'; known: io_ms, cpu_ms, payload_bytes, id",
        "io_ms=1&io_ms=2   | io_ms is given more than once in the query; give it once",
        "io_ms=%zz         | the query string is not valid percent-encoding near '%zz'",
        "io_ms=99999999999999999999 | io_ms must be a whole number of milliseconds from 0 to 60000, got '99999999999999999999'",
    })
    void refusesBadQueryParametersWithAPreciseMessage(String query, String message) {
        assertThatThrownBy(() -> parameters.parse(query, null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.error()).isEqualTo(ApiError.BAD_PARAMETER))
                .hasMessage(message);
    }

    @Test
    void refusesAnIdLongerThan128Characters() {
        assertThatThrownBy(() -> parameters.parse("id=" + "x".repeat(129), null))
                .hasMessage("id must be at most 128 characters, got 129");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"io_ms\":                | BAD_JSON",
        "[1,2]                      | BAD_JSON",
        "not json                   | BAD_JSON",
        "{\"io_ms\":1}{}            | BAD_JSON",
        "{\"io_ms\":1,\"io_ms\":2}  | BAD_JSON",
        "{\"io_ms\":true}           | BAD_PARAMETER",
        "{\"io_ms\":{\"a\":1}}      | BAD_PARAMETER",
        "{\"io_ms\":2.5}            | BAD_PARAMETER",
        "{\"sleep\":1}              | BAD_PARAMETER",
    })
    void refusesBadBodies(String json, ApiError error) {
        assertThatThrownBy(() -> parameters.parse(null, body(json)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.error()).isEqualTo(error));
    }

    @Test
    void refusesABodyThatIsNotUtf8AsBadJson() {
        byte[] latin1 = {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xff, '"', '}'};
        assertThatThrownBy(() -> parameters.parse(null, latin1))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.error()).isEqualTo(ApiError.BAD_JSON));
    }
}
