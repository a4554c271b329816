package dev.loadlab.client.suite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The machine and build a suite ran on, recorded with its figures so that they can be reproduced.
 *
 * @param gitCommit the project's commit, with {@code -dirty} if the work tree had changes; null outside git
 */
public record Environment(
        String startedAt,
        String jdk,
        String jdkVendor,
        String os,
        String arch,
        int cores,
        String cpuModel,
        long memoryBytes,
        String gitCommit) {

    static Environment capture(Path home) {
        return new Environment(Instant.now().toString(), Runtime.version().toString(),
                System.getProperty("java.vendor"), System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(), readCpuModel(), readMemoryBytes(),
                gitCommit(home));
    }

    private static String readCpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8).stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).strip())
                    .findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static long readMemoryBytes() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.UTF_8).stream()
                    .filter(line -> line.startsWith("MemTotal:"))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024)
                    .findFirst().orElse(0);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private static String gitCommit(Path home) {
        String commit = git(home, "rev-parse", "--short=12", "HEAD");
        if (commit == null || commit.isBlank()) {
            return null;
        }
        String status = git(home, "status", "--porcelain", "--untracked-files=no");
        return commit.strip() + (status != null && !status.isBlank() ? "-dirty" : "");
    }

    private static String git(Path home, String... args) {
        try {
            List<String> command = new java.util.ArrayList<>(List.of("git", "-C", home.toString()));
            command.addAll(List.of(args));
            Process git = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!git.waitFor(10, TimeUnit.SECONDS) || git.exitValue() != 0) {
                git.destroyForcibly();
                return null;
            }
            return output;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
