package dev.loadlab.deploy.kubernetes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code kubectl} on this machine's {@code PATH}, used only offline: {@code kubectl kustomize DIR}
 * renders a kustomization without a cluster. A missing kubectl, or one whose kustomize is too old
 * for components, fails the calling test with what to install: the manifests are never skipped.
 */
final class Kubectl {
    /** Components and the {@code patches} field need kustomize v4 (kubectl 1.21) or newer. */
    static final int MINIMUM_KUSTOMIZE_MAJOR = 4;
    private static final Pattern KUSTOMIZE_VERSION = Pattern.compile("\"kustomizeVersion\"\\s*:\\s*\"v(\\d+)\\.");
    private static final long TIMEOUT_SECONDS = 60;

    private final Path executable;

    private Kubectl(Path executable) {
        this.executable = executable;
    }

    /** The kubectl on the PATH of this process, checked to have a new enough kustomize. */
    static Kubectl onPath() {
        Kubectl kubectl = fromPath(System.getenv("PATH"));
        kubectl.requireKustomize();
        return kubectl;
    }

    /** The first executable {@code kubectl} in {@code pathVariable}; an AssertionError naming what to install if none. */
    static Kubectl fromPath(String pathVariable) {
        Optional<Path> found = Arrays.stream((pathVariable == null ? "" : pathVariable).split(":"))
                .filter(folder -> !folder.isEmpty())
                .map(folder -> Path.of(folder, "kubectl"))
                .filter(Files::isExecutable)
                .findFirst();
        return new Kubectl(found.orElseThrow(() -> new AssertionError(
                "kubectl is not on the PATH (" + pathVariable + "): the manifests in deploy/kubernetes are checked"
                        + " by rendering them with 'kubectl kustomize'. Install kubectl 1.21 or newer"
                        + " (.ci/run installs Debian's kubernetes-client where none is present).")));
    }

    /** The YAML that {@code kubectl kustomize directory} prints; an AssertionError with kubectl's words if it fails. */
    String kustomize(Path directory) {
        return run("kustomize", directory.toString());
    }

    private void requireKustomize() {
        String version = run("version", "--client", "-o", "json");
        Matcher matcher = KUSTOMIZE_VERSION.matcher(version);
        if (!matcher.find() || Integer.parseInt(matcher.group(1)) < MINIMUM_KUSTOMIZE_MAJOR) {
            throw new AssertionError(executable + " is too old: the manifests use kustomize components, which need"
                    + " kustomize v" + MINIMUM_KUSTOMIZE_MAJOR + " (kubectl 1.21) or newer, and it says: "
                    + version.strip().replaceAll("\\s+", " ")
                    + ". Debian 12's kubernetes-client is kubectl 1.20: install a newer kubectl.");
        }
    }

    private String run(String... arguments) {
        List<String> command = new java.util.ArrayList<>();
        command.add(executable.toString());
        command.addAll(List.of(arguments));
        try {
            Path errors = Files.createTempFile("kubectl", ".err");
            try {
                Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
                process.getOutputStream().close();
                byte[] output = process.getInputStream().readAllBytes();
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not end within " + TIMEOUT_SECONDS + " s");
                }
                if (process.exitValue() != 0) {
                    throw new AssertionError(String.join(" ", command) + " exited " + process.exitValue() + ": "
                            + Files.readString(errors).strip());
                }
                return new String(output, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(errors);
            }
        } catch (IOException e) {
            throw new AssertionError("could not run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + String.join(" ", command), e);
        }
    }
}
