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
import org.junit.jupiter.api.AfterEach;
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

  @AfterEach
  void closeFiles() {
    files.close();
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

  /**
   * Runs of zeros stay holes (a sparse file imported or pulled takes its data's disk, not its
   * length), whatever the write sizes, also at the end; the bytes read back are the blob's.
   */
  @Test
  void zerosAreLeftAsHolesAndReadBackAsZeros() throws Exception {
    byte[] blob = new byte[8 << 20]; // 8 MiB: data at the start, in the middle, nothing at the end
    java.util.Arrays.fill(blob, 0, 5000, (byte) 7);
    java.util.Arrays.fill(blob, 3 << 20, (3 << 20) + 100, (byte) 9);
    ObjectId id = Hashes.of(blob).id();
    java.util.Random r = new java.util.Random(5);
    try (LooseFiles.Temp t = files.newTemp()) {
      for (int off = 0; off < blob.length; ) {
        int n = Math.min(blob.length - off, 1 + r.nextInt(300_000)); // writes of any size
        t.write(blob, off, n);
        off += n;
      }
      t.publish(id);
    }
    assertThat(Files.size(files.path(id))).isEqualTo(blob.length);
    assertThat(Files.readAllBytes(files.path(id))).isEqualTo(blob);
    Process stat = new ProcessBuilder("stat", "-c", "%b %B", files.path(id).toString()).start();
    String[] blocks = new String(stat.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim().split(" ");
    long allocated = Long.parseLong(blocks[0]) * Long.parseLong(blocks[1]);
    assertThat(allocated).as("disk used by an 8 MiB blob of 5,100 non-zero bytes").isLessThan(1 << 20);
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
