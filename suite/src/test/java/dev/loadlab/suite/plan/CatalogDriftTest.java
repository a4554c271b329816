package dev.loadlab.suite.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadlab.api.lane.Discipline;
import dev.loadlab.balancer.strategy.StrategyName;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The suite's names are the servers' and the balancer's: a discipline, strategy or model added
 * there and not here (or renamed) fails here, before a suite could refuse it or run the wrong one.
 */
class CatalogDriftTest {
    private static final Path HOME = Path.of("").toAbsolutePath().getParent();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void disciplinesAreTheLanesOfApi() {
        assertThat(Catalog.DISCIPLINES)
                .containsExactlyElementsOf(Arrays.stream(Discipline.values()).map(Discipline::wireName).toList());
    }

    @Test
    void strategiesAreTheBalancers() {
        assertThat(Catalog.STRATEGIES)
                .containsExactlyElementsOf(Arrays.stream(StrategyName.values()).map(StrategyName::wireName).toList());
    }

    @Test
    void everyServerModuleOfTheBuildIsAModel() throws IOException {
        try (Stream<Path> modules = Files.list(HOME)) {
            List<String> servers = modules.map(path -> path.getFileName().toString())
                    .filter(name -> name.startsWith("server-")).sorted().toList();
            assertThat(Catalog.MODELS.stream().map(Catalog::module).sorted().toList()).isEqualTo(servers);
        }
    }

    static List<String> models() {
        return Catalog.MODELS;
    }

    /** Each model's jar, started as the suite starts it, names itself so and serves every lane at its path. */
    @ParameterizedTest
    @MethodSource("models")
    void eachServerNamesItsModelAsTheSuiteDoesAndServesEveryLaneAtItsPath(String model) throws Exception {
        Path jar = HOME.resolve(Catalog.module(model)).resolve("target").resolve(Catalog.module(model) + ".jar");
        assertThat(jar).as("built by mvn verify before this module's tests").isRegularFile();
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Process server = new ProcessBuilder(java, "-Xmx128m", "-jar", jar.toString(), "--port", String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (HttpClient http = HttpClient.newHttpClient()) {
            JsonNode health = awaitHealth(http, port, server);
            assertThat(health.path("model").asText()).isEqualTo(model);
            for (String discipline : Catalog.DISCIPLINES) {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + Catalog.path(discipline) + "?io_ms=0"))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(discipline + ": " + answer.body()).isEqualTo(200);
                assertThat(JSON.readTree(answer.body()).path("discipline").asText()).isEqualTo(discipline);
            }
        } finally {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private static JsonNode awaitHealth(HttpClient http, int port, Process server) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            assertThat(server.isAlive()).as("the server is running").isTrue();
            try {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    return JSON.readTree(answer.body());
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no /health answer within 60 s");
    }
}
