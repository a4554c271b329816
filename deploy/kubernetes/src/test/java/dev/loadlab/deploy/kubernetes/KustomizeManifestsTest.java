package dev.loadlab.deploy.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.ParseResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The manifests in deploy/kubernetes, checked offline: every kustomization renders with
 * {@code kubectl kustomize}; every object reads into its typed Kubernetes model with no field the
 * model lacks; every server's, the balancer's, every generator's and the merge's command line is
 * one its own program's parser accepts; and the objects agree with each other (the generators'
 * count, indexes and folders, the merge's inputs, the Services each command line names).
 */
final class KustomizeManifestsTest {
    /** Surefire runs in the module's folder, deploy/kubernetes. */
    private static final Path MANIFESTS = Path.of("").toAbsolutePath();
    private static final List<String> OVERLAYS = List.of("direct-threads", "direct-virtual-threads", "direct-async",
            "behind-balancer");
    private static final String GENERATORS_JOB = "loadlab-generators";
    private static final String MERGE_JOB = "loadlab-merge";
    /** The ConfigMap the run creates just before it starts (see the README), in both forms --start-at takes. */
    private static final String START_AT_KEY = "loadlab-start/start-at";
    private static final List<String> START_TIMES = List.of("2030-01-01T12:00:00Z", "1893499200000");

    private static final Map<String, Rendering> RENDERED = new ConcurrentHashMap<>();

    @Test
    void kubectlWithKustomizeV4OrNewerIsOnThePath() {
        Kubectl.onPath();
    }

    @Test
    void aMissingKubectlFailsSayingWhatToInstall(@TempDir Path emptyFolder) {
        assertThatThrownBy(() -> Kubectl.fromPath(emptyFolder.toString()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("kubectl is not on the PATH")
                .hasMessageContaining("kubectl 1.21 or newer");
    }

    @Test
    void theStrictReaderRefusesAFieldTheModelDoesNotHave() {
        String misspelt = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: server-async
                spec:
                  selector:
                    matchLabels: {app: a}
                  template:
                    metadata:
                      labels: {app: a}
                    spec:
                      containers:
                      - name: server
                        image: loadlab/server-async:0.1.0-SNAPSHOT
                        readynessProbe:
                          httpGet: {path: /health, port: 8083}
                """;
        assertThatThrownBy(() -> new StrictKubernetesReader().readAll(misspelt)).hasMessageContaining("readynessProbe");
        assertThat(new StrictKubernetesReader().readAll(misspelt.replace("readyness", "readiness"))).hasSize(1);
    }

    @Test
    void theOverlaysAreOneModelDirectAndBehindTheBalancerAndEachComponentIsUsed() throws IOException {
        assertThat(kustomizations(MANIFESTS.resolve("overlays"), "Kustomization").stream()
                .filter(folder -> folder.getParent().equals(MANIFESTS.resolve("overlays")))
                .map(folder -> folder.getFileName().toString()))
                .containsExactlyInAnyOrderElementsOf(OVERLAYS);
        List<Path> components = kustomizations(MANIFESTS.resolve("components"), "Component");
        assertThat(components).isNotEmpty();
        for (Path component : components) {
            String reference = "- ../../components/" + component.getFileName();
            assertThat(OVERLAYS.stream().anyMatch(overlay -> read(overlayFile(overlay)).contains(reference)))
                    .as("some overlay uses %s", MANIFESTS.relativize(component))
                    .isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyKustomization")
    void rendersIntoTypedObjectsWithNoUnknownField(String kustomization) {
        assertThat(rendering(kustomization).objects()).isNotEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void everyServerAndTheBalancerTakeTheirCommandLineListenForTheClusterAndAreReadyOnHealth(String overlay) {
        Rendering rendering = rendering(overlay);
        List<Deployment> targets = rendering.deployments().stream()
                .filter(deployment -> Programs.isTarget(Programs.programOf(onlyContainer(deployment).getImage())))
                .toList();
        assertThat(targets).as("%s deploys a server or the balancer", overlay).isNotEmpty();
        for (Deployment deployment : targets) {
            Container container = onlyContainer(deployment);
            String program = Programs.programOf(container.getImage());
            List<String> arguments = rendering.arguments(container, deployment.getMetadata().getName() + "-0", Map.of());
            ParseResult parsed = Programs.parseTarget(program, arguments);

            assertThat(parsed.matchedOptionValue("--host", "")).as("%s listens beyond its pod", program).isEqualTo("0.0.0.0");
            int port = parsed.matchedOptionValue("--port", -1);
            ContainerPort http = container.getPorts().stream().filter(p -> "http".equals(p.getName())).findFirst()
                    .orElseThrow(() -> new AssertionError(deployment.getMetadata().getName() + " names no port http"));
            assertThat(http.getContainerPort()).as("%s's port http is its --port", program).isEqualTo(port);

            Probe readiness = container.getReadinessProbe();
            assertThat(readiness).as("%s has a readiness probe", program).isNotNull();
            assertThat(readiness.getHttpGet().getPath()).isEqualTo("/health");
            assertThat(isPort(readiness.getHttpGet().getPort(), http)).as("%s's probe asks its --port", program).isTrue();

            Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
            List<Service> services = rendering.all(Service.class).stream()
                    .filter(service -> podLabels.entrySet().containsAll(service.getSpec().getSelector().entrySet()))
                    .toList();
            assertThat(services).as("one Service selects %s's pods", deployment.getMetadata().getName()).hasSize(1);
            assertThat(services.getFirst().getSpec().getPorts())
                    .allMatch(servicePort -> isPort(servicePort.getTargetPort(), http));

            if (program.equals("balancer")) {
                for (String backend : parsed.matchedOption("--backends").stringValues()) {
                    URI address = URI.create(backend.replaceFirst("=\\d+$", ""));
                    assertThat(rendering.servicePort(address.getHost(), address.getPort()))
                            .as("%s: backend %s is a Service of the overlay", overlay, backend).isPresent();
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void theGeneratorsAreAnIndexedJobWhoseEveryIndexTheClientAccepts(String overlay) {
        Rendering rendering = rendering(overlay);
        Job generators = job(rendering, GENERATORS_JOB);
        int count = generators.getSpec().getCompletions();
        assertThat(generators.getSpec().getCompletionMode()).isEqualTo("Indexed");
        assertThat(generators.getSpec().getParallelism()).as("every generator runs at once").isEqualTo(count);

        PodSpec pod = generators.getSpec().getTemplate().getSpec();
        Container generator = container(pod, "generator");
        String results = resultsMount(rendering, pod, generator);
        for (String startAt : START_TIMES) {
            Rendering atStart = rendering.withRunTimeData(Map.of(START_AT_KEY, startAt));
            for (int index = 0; index < count; index++) {
                Map<String, String> injected = Map.of("JOB_COMPLETION_INDEX", Integer.toString(index));
                String podName = GENERATORS_JOB + "-" + index;
                ParseResult run = subcommand(Programs.parseClient(atStart.arguments(generator, podName, injected)), "run");

                assertThat(values(run, "--generator")).as("%s, index %d", overlay, index)
                        .containsExactly(index + "/" + count);
                assertThat(values(run, "--start-at")).containsExactly(startAt);
                assertThat(values(run, "--output")).containsExactly(results + "/generator-" + index);
                URI target = URI.create(values(run, "--url").getFirst());
                assertThat(rendering.servicePort(target.getHost(), target.getPort()))
                        .as("%s: the generators' --url %s is a Service of the overlay", overlay, target).isPresent();
                for (Container waiting : pod.getInitContainers()) {
                    assertThat(atStart.environment(waiting, podName, injected).get("TARGET_URL"))
                            .as("%s waits for the target the generator loads", waiting.getName())
                            .isEqualTo(target.toString());
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void theMergeJobWaitsSuspendedAndSumsExactlyTheGeneratorsFolders(String overlay) {
        Rendering rendering = rendering(overlay);
        Job generators = job(rendering, GENERATORS_JOB);
        Job merge = job(rendering, MERGE_JOB);
        assertThat(merge.getSpec().getSuspend()).as("created suspended, resumed after the generators").isTrue();

        PodSpec generatorPod = generators.getSpec().getTemplate().getSpec();
        PodSpec mergePod = merge.getSpec().getTemplate().getSpec();
        Container merger = container(mergePod, "merge");
        assertThat(claim(mergePod, merger)).as("the merge reads the volume the generators write")
                .isEqualTo(claim(generatorPod, container(generatorPod, "generator")));
        String results = resultsMount(rendering, mergePod, merger);

        ParseResult parsed = subcommand(Programs.parseClient(rendering.arguments(merger, MERGE_JOB + "-0", Map.of())),
                "merge");
        List<String> expectedFolders = IntStream.range(0, generators.getSpec().getCompletions())
                .mapToObj(index -> results + "/generator-" + index)
                .toList();
        assertThat(parsed.matchedPositionals().stream().flatMap(positional -> positional.stringValues().stream()))
                .as("%s: one folder per generator index", overlay)
                .containsExactlyElementsOf(expectedFolders);
        ArgSpec output = parsed.matchedOption('o');
        assertThat(output).as("merge -o").isNotNull();
        assertThat(output.stringValues()).containsExactly(results + "/merged");
    }

    static Stream<String> everyKustomization() throws IOException {
        return kustomizations(MANIFESTS, "Kustomization").stream()
                .map(folder -> MANIFESTS.relativize(folder).toString());
    }

    static Stream<String> overlays() {
        return OVERLAYS.stream().map(overlay -> "overlays/" + overlay);
    }

    private static Rendering rendering(String kustomization) {
        return RENDERED.computeIfAbsent(kustomization, folder -> {
            String yaml = Kubectl.onPath().kustomize(MANIFESTS.resolve(folder));
            return new Rendering(folder, new StrictKubernetesReader().readAll(yaml), Map.of());
        });
    }

    /** The folders under {@code root} whose kustomization.yaml is of {@code kind} (Kustomization or Component). */
    private static List<Path> kustomizations(Path root, String kind) throws IOException {
        YAMLMapper yaml = YAMLMapper.builder().build();
        List<Path> folders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.getFileName().toString().equals("kustomization.yaml")).sorted().toList()) {
                if (!file.startsWith(MANIFESTS.resolve("target"))
                        && yaml.readTree(file.toFile()).path("kind").asString("Kustomization").equals(kind)) {
                    folders.add(file.getParent());
                }
            }
        }
        return folders;
    }

    private static Path overlayFile(String overlay) {
        return MANIFESTS.resolve("overlays").resolve(overlay).resolve("kustomization.yaml");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    private static Job job(Rendering rendering, String name) {
        return rendering.job(name).orElseThrow(() -> new AssertionError(rendering.name() + " renders no Job " + name));
    }

    private static Container onlyContainer(Deployment deployment) {
        List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
        assertThat(containers).as("%s runs one container", deployment.getMetadata().getName()).hasSize(1);
        return containers.getFirst();
    }

    private static Container container(PodSpec pod, String name) {
        return pod.getContainers().stream().filter(c -> c.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name));
    }

    /** Where the container mounts the results volume, after checking that its claim is rendered. */
    private static String resultsMount(Rendering rendering, PodSpec pod, Container container) {
        String claim = claim(pod, container);
        assertThat(rendering.hasClaim(claim)).as("%s renders PersistentVolumeClaim %s", rendering.name(), claim).isTrue();
        return claimMount(pod, container).getMountPath();
    }

    private static String claim(PodSpec pod, Container container) {
        VolumeMount mount = claimMount(pod, container);
        return pod.getVolumes().stream().filter(volume -> volume.getName().equals(mount.getName())).findFirst()
                .map(volume -> volume.getPersistentVolumeClaim().getClaimName()).orElseThrow();
    }

    private static VolumeMount claimMount(PodSpec pod, Container container) {
        List<String> claimVolumes = pod.getVolumes().stream().filter(volume -> volume.getPersistentVolumeClaim() != null)
                .map(Volume::getName).toList();
        List<VolumeMount> mounts = container.getVolumeMounts().stream()
                .filter(mount -> claimVolumes.contains(mount.getName())).toList();
        assertThat(mounts).as("container %s mounts one claimed volume", container.getName()).hasSize(1);
        return mounts.getFirst();
    }

    private static ParseResult subcommand(ParseResult parsed, String name) {
        assertThat(parsed.hasSubcommand()).as("the command line names the subcommand %s", name).isTrue();
        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo(name);
        return parsed.subcommand();
    }

    private static List<String> values(ParseResult parsed, String option) {
        assertThat(parsed.hasMatchedOption(option)).as("the command line has %s", option).isTrue();
        return parsed.matchedOption(option).stringValues();
    }

    private static boolean isPort(IntOrString reference, ContainerPort port) {
        return reference.getStrVal() != null ? reference.getStrVal().equals(port.getName())
                : reference.getIntVal().equals(port.getContainerPort());
    }
}
