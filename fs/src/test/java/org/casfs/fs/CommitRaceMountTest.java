package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.casfs.txn.Transaction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls through a writable mount that race {@code casfs commit} run before or after it, never fail:
 * before, a call that waited for the transaction's lock while the commit ran got EIO
 * ("transaction … is already committed").
 */
class CommitRaceMountTest {
  @TempDir Path tmp;

  @Test
  void callsDuringCommitsRunOnTheNextTransaction() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("a"), "a");
    try (MountedRepo m = new MountedRepo(tmp)) {
      m.mountWritable(src, MountOptions.defaults().withCacheSeconds(0));
      List<Throwable> failures = new CopyOnWriteArrayList<>();
      AtomicBoolean stop = new AtomicBoolean();
      Thread[] writers = new Thread[3];
      for (int w = 0; w < writers.length; w++) {
        Path dir = Files.createDirectories(m.mountPoint.resolve("w" + w));
        writers[w] = new Thread(() -> {
          try {
            for (int i = 0; !stop.get(); i++) {
              Path f = dir.resolve("f" + (i % 20));
              Files.writeString(f, "n" + i);
              assertThat(Files.readString(f)).isEqualTo("n" + i);
              Files.getLastModifiedTime(dir);
              if (i % 3 == 0) {
                Files.delete(f);
              }
            }
          } catch (IOException | RuntimeException | AssertionError e) {
            failures.add(e);
          }
        });
        writers[w].start();
      }
      int commits = 0;
      long end = System.nanoTime() + 4_000_000_000L; // at least 4 s and 6 commits (a loaded machine: up to 60 s)
      long latest = System.nanoTime() + 60_000_000_000L;
      try {
        while ((System.nanoTime() < end || commits <= 5) && System.nanoTime() < latest && failures.isEmpty()) {
          Transaction t = m.imageMount.transaction();
          if (!t.isFinished() && t.hasChanges()) {
            t.commit("race " + commits++);
          }
          Thread.sleep(5);
        }
      } finally {
        stop.set(true);
        for (Thread w : writers) {
          w.join(30_000);
        }
      }
      assertThat(failures).as(String.join("\n", m.log)).isEmpty();
      assertThat(commits).isGreaterThan(5);
      assertThat(m.log).noneMatch(l -> l.contains("unexpected"));
    }
  }
}
