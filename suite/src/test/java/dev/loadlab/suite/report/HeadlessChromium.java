package dev.loadlab.suite.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Chromium, headless, for looking at a report as a reader would: its DOM once the page's
 * scripts have run, what it printed to the console, and a screenshot. {@code .ci/run} installs it;
 * without it these tests fail and say what to install.
 */
public final class HeadlessChromium {
    private static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final List<String> QUIET = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--enable-logging=stderr", "--v=0");

    /** What the browser produced for one page. */
    public record Page(String dom, String console) {
    }

    private HeadlessChromium() {
    }

    public static Page open(Path html, Path scratch) throws IOException, InterruptedException {
        // The virtual time budget lets the page's timers (uPlot draws after a microtask) run before the dump.
        String[] output = run(scratch, "--virtual-time-budget=10000", "--dump-dom", html.toUri().toString());
        return new Page(output[0], output[1]);
    }

    public static void screenshot(Path html, Path png, Path scratch) throws IOException, InterruptedException {
        run(scratch, "--window-size=1280,2400", "--screenshot=" + png, html.toUri().toString());
    }

    private static String[] run(Path scratch, String... args) throws IOException, InterruptedException {
        assertThat(BINARY).as("headless Chromium is needed: apt-get install -y chromium").isExecutable();
        Path profile = Files.createTempDirectory(scratch, "chromium-profile");
        List<String> command = new ArrayList<>(List.of(BINARY.toString()));
        command.addAll(QUIET);
        command.add("--user-data-dir=" + profile);
        command.addAll(List.of(args));
        Path out = scratch.resolve("chromium.out");
        Path err = scratch.resolve("chromium.err");
        Process chromium = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            assertThat(chromium.waitFor(120, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        } finally {
            chromium.destroyForcibly();
        }
        return new String[] {Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8)};
    }
}
