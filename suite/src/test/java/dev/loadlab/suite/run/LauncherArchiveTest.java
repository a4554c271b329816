package dev.loadlab.suite.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server's class-data archive sits beside its jar; one older than the jar is deleted before the
 * server starts, since the JVM refuses it and would write no new one.
 */
class LauncherArchiveTest {
    private static final Instant BUILT = Instant.parse("2026-12-03T10:23:00Z");

    @TempDir
    Path target;

    @Test
    void anArchiveOlderThanItsJarIsDeletedSoThatTheServerWritesANewOne() throws IOException {
        Path jar = file("balancer.jar", BUILT);
        Path archive = file("balancer.jsa", BUILT.minusSeconds(3600));

        assertThat(Launcher.currentArchive(jar)).isEqualTo(archive);
        assertThat(archive).doesNotExist();
    }

    @Test
    void anArchiveWrittenAfterItsJarIsKept() throws IOException {
        Path jar = file("balancer.jar", BUILT);
        Path archive = file("balancer.jsa", BUILT.plusSeconds(60));

        assertThat(Launcher.currentArchive(jar)).isEqualTo(archive);
        assertThat(archive).exists();
    }

    @Test
    void aMissingArchiveIsNamedForTheServerToWrite() throws IOException {
        Path jar = file("server-async.jar", BUILT);

        assertThat(Launcher.currentArchive(jar)).isEqualTo(target.resolve("server-async.jsa")).doesNotExist();
    }

    private Path file(String name, Instant modified) throws IOException {
        Path file = Files.writeString(target.resolve(name), name);
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return file;
    }
}
