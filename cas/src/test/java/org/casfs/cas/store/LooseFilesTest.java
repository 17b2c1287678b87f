package org.casfs.cas.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A loose blob's file on its way into place: written under a temporary name, published
 * read-only under its id, and never left behind in the staging directory, whether it is published,
 * abandoned, or its name was taken by a file a killed process left.
 */
class LooseFilesTest {
  @TempDir Path tmp;
  private Path objects;
  private Path staging;
  private LooseFiles files;

  @BeforeEach
  void setUp() throws IOException {
    objects = Files.createDirectories(tmp.resolve("objects"));
    staging = Files.createDirectories(tmp.resolve("staging"));
    files = new LooseFiles(objects, staging);
  }

  @Test
  void aPublishedFileIsInPlaceReadOnlyAndNothingStaysInStaging() throws IOException {
    byte[] bytes = "the bytes of a blob".getBytes(StandardCharsets.UTF_8);
    ObjectId id = Hashes.of(bytes).id();
    try (LooseFiles.Temp t = files.newTemp()) {
      t.write(bytes, 0, 4);
      t.write(bytes, 4, bytes.length - 4);
      t.publish(id);
    }
    assertThat(files.path(id)).hasBinaryContent(bytes);
    assertThat(Files.getPosixFilePermissions(files.path(id))).doesNotContain(PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
    assertThat(staging).isEmptyDirectory();
  }

  @Test
  void anAbandonedFileIsDeleted() throws IOException {
    try (LooseFiles.Temp t = files.newTemp()) {
      t.write(new byte[100], 0, 100);
      assertThat(staging.toFile().list()).hasSize(1);
    }
    assertThat(staging).isEmptyDirectory();
    assertThat(objects).isEmptyDirectory();
  }

  @Test
  void aFileLeftUnderTheNextNameByAKilledProcessIsReplaced() throws IOException {
    // The first temporary name of this store; a process with this pid that was killed left it.
    Path left = staging.resolve(LooseFiles.TEMP_PREFIX + 1);
    Files.write(left, "stale".getBytes(StandardCharsets.UTF_8));
    byte[] bytes = "fresh".getBytes(StandardCharsets.UTF_8);
    ObjectId id = Hashes.of(bytes).id();
    try (LooseFiles.Temp t = files.newTemp()) {
      t.write(bytes, 0, bytes.length);
      t.publish(id);
    }
    assertThat(files.path(id)).hasBinaryContent(bytes);
    assertThat(staging).isEmptyDirectory();
  }

  @Test
  void aMissingStagingDirectoryIsAClearError() throws IOException {
    Files.delete(staging);
    assertThatThrownBy(() -> files.newTemp()).isInstanceOf(IOException.class)
        .hasMessageContaining(staging.toString()).hasMessageContaining("No such file");
  }
}
