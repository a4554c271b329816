package dev.loadlab.suite.results;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The machine and build a suite ran on, recorded with its figures so that they can be reproduced.
 *
 * @param gitCommit the project's commit, with {@code -dirty} if the work tree had changes; null outside git
 */
public record SuiteEnvironment(
        String startedAt,
        String jdk,
        String jdkVendor,
        String os,
        String arch,
        int cores,
        String cpuModel,
        long memoryBytes,
        String gitCommit) {

    private static final long GIT_TIMEOUT_SECONDS = 10;

    public static SuiteEnvironment capture(Path home) {
        return new SuiteEnvironment(Instant.now().toString(), Runtime.version().toString(),
                System.getProperty("java.vendor"), System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(), readCpuModel(),
                readMemoryBytes(), gitCommit(home));
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

    /**
     * git's output, or null if it failed or took longer than {@value #GIT_TIMEOUT_SECONDS} s. The
     * output goes to a file, so that a git that hangs cannot block the read: the wait is bounded.
     */
    private static String git(Path home, String... args) {
        File output = null;
        try {
            output = File.createTempFile("loadlab-git", ".out");
            List<String> command = new ArrayList<>(List.of("git", "-C", home.toString()));
            command.addAll(List.of(args));
            Process git = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output).start();
            if (!git.waitFor(GIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                git.destroyForcibly();
                return null;
            }
            return git.exitValue() == 0 ? Files.readString(output.toPath(), StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            if (output != null) {
                output.delete();
            }
        }
    }
}
