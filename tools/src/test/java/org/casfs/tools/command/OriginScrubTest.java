package org.casfs.tools.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.casfs.cas.io.ImportOptions;
import org.casfs.cas.io.Importer;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.casfs.sync.peer.Scrub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An origin's scrub ({@code casfs serve --scrub-days}): rot in its store is found before a laptop
 * asks for the object, and the line says how to repair it, since an origin has no neighbours to
 * fetch from.
 */
class OriginScrubTest {
  @TempDir Path tmp;

  @Test
  void aDamagedObjectIsNamedWithWhatToDo() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.write(src.resolve("big"), new byte[200_000]);
    Files.writeString(src.resolve("small"), "small");
    List<String> log = new CopyOnWriteArrayList<>();
    try (Repository repo = Repository.init(tmp.resolve("repo"), RepoConfig.defaults())) {
      new Importer(repo.objectDatabase()).importDirectory(src, ImportOptions.defaults(), null);
      repo.flush();
      Path loose;
      try (Stream<Path> s = Files.walk(repo.dir().resolve("objects"))) {
        loose = s.filter(Files::isRegularFile).findFirst().orElseThrow();
      }
      String id = loose.getParent().getFileName().toString() + loose.getFileName();
      try (RandomAccessFile f = new RandomAccessFile(loose.toFile(), "rw")) {
        f.seek(1000);
        f.write(1);
      }
      try (Scrub scrub = ScrubOptions.startForOrigin(repo, Duration.ofDays(7), Duration.ZERO, log::add)) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (scrub.passes() == 0 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertThat(scrub.passes()).isEqualTo(1);
      }
      assertThat(log).contains("casfs: the scrub found object " + id + " damaged in this repository; repair it from"
          + " a machine that holds it: 'casfs fsck --repair URL' (a laptop's peer daemon, a mirror)");
      assertThat(log).anyMatch(l -> l.startsWith("scrub read ") && l.endsWith(": 1 damaged"));
    }
  }
}
