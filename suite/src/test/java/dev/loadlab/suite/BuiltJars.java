package dev.loadlab.suite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;

/**
 * The jars the pipeline tests run, as this build left them. Maven packages every module the suite
 * depends on before the suite's tests run ({@code mvn verify}); under {@code mvn test}, or a build
 * of this module alone, they can be missing or older than their classes, and a test would then
 * check yesterday's servers. This says so instead.
 */
final class BuiltJars {
    /** The checkout: tests run in the suite module's folder. */
    static final Path HOME = Path.of("").toAbsolutePath().getParent();

    private BuiltJars() {
    }

    static void assertFresh(String... modules) {
        for (String module : modules) {
            Path target = HOME.resolve(module).resolve("target");
            Path jar = target.resolve(module + ".jar");
            assertThat(jar).as("%s: build it first with mvn -B verify (or package)", jar).isRegularFile();
            assertThat(modified(jar)).as("%s is older than its classes: run mvn -B verify, not test", jar)
                    .isGreaterThanOrEqualTo(newest(target.resolve("classes")));
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FileTime newest(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).map(BuiltJars::modified).max(FileTime::compareTo)
                    .orElse(FileTime.fromMillis(0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
