package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.casfs.cas.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Switching versions under 4 reading threads: every open file reads one version from start to
 * end, and opens after a switch see the new version within a second.
 */
class SwitchWhileReadingTest {
  @TempDir Path tmp;
  static final int FILES = 6;
  static final int SIZE_A = 2 << 20;
  static final int SIZE_B = SIZE_A + 1000;

  static Path version(Path dir, byte fill, int size) throws IOException {
    Path d = Files.createDirectories(dir.resolve("data"));
    byte[] b = new byte[size];
    Arrays.fill(b, fill);
    for (int i = 0; i < FILES; i++) {
      Files.write(d.resolve("f" + i), b);
    }
    return dir;
  }

  @Test
  void readersNeverSeeAMixAndNewOpensSeeTheSwitchWithinASecond() throws Exception {
    try (MountedRepo m = new MountedRepo(tmp)) {
      ObjectId a = m.importDir(version(tmp.resolve("a"), (byte) 'A', SIZE_A));
      ObjectId b = m.importDir(version(tmp.resolve("b"), (byte) 'B', SIZE_B));
      m.mount(a, MountOptions.defaults());
      AtomicBoolean stop = new AtomicBoolean();
      ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
      AtomicInteger wholeReads = new AtomicInteger();
      AtomicInteger sawB = new AtomicInteger();
      List<Thread> readers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int seed = t;
        Thread th = new Thread(() -> {
          int n = seed;
          while (!stop.get()) {
            Path f = m.mountPoint.resolve("data/f" + (n++ % FILES));
            try (FileChannel ch = FileChannel.open(f)) {
              ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
              long total = 0;
              byte first = 0;
              int r;
              while ((r = ch.read(buf)) > 0) {
                buf.flip();
                for (int i = 0; i < buf.limit(); i++) {
                  byte x = buf.get(i);
                  if (total == 0 && i == 0) {
                    first = x;
                  } else if (x != first) {
                    problems.add(f + ": byte " + (total + i) + " is " + (char) x + " in a file that began " + (char) first);
                    return;
                  }
                }
                total += buf.limit();
                buf.clear();
                Thread.sleep(0, 200_000);
              }
              long want = first == 'A' ? SIZE_A : SIZE_B;
              if (total != want) {
                problems.add(f + ": read " + total + " bytes of a version of " + want);
              }
              if (first == 'B') {
                sawB.incrementAndGet();
              }
              wholeReads.incrementAndGet();
            } catch (IOException | InterruptedException e) {
              problems.add(f + ": " + e);
            }
          }
        });
        readers.add(th);
        th.start();
      }
      try {
        ObjectId[] order = {b, a, b, a, b};
        for (ObjectId v : order) {
          Thread.sleep(700);
          m.image.switchTo(m.snapshot(v));
          byte want = v.equals(a) ? (byte) 'A' : (byte) 'B';
          long switched = System.nanoTime();
          long seenAfterMs = -1;
          while (System.nanoTime() - switched < 3_000_000_000L) {
            Path probe = m.mountPoint.resolve("data/f0");
            byte[] all = Files.readAllBytes(probe);
            if (all.length == (want == 'A' ? SIZE_A : SIZE_B) && all[0] == want && all[all.length - 1] == want) {
              seenAfterMs = (System.nanoTime() - switched) / 1_000_000;
              break;
            }
            Thread.sleep(20);
          }
          assertThat(seenAfterMs).as("ms until a new open saw the switch").isBetween(0L, 1200L);
        }
        Thread.sleep(500);
      } finally {
        stop.set(true);
        for (Thread th : readers) {
          th.join(30_000);
        }
      }
      assertThat(problems).isEmpty();
      assertThat(wholeReads.get()).isGreaterThan(20);
      assertThat(sawB.get()).isPositive();
      // files are read by node, without an OPEN or RELEASE per open: the first OPENs (one per
      // reader and the probe, sent before the first answer) said ENOSYS, and the kernel stopped
      assertThat(m.mount.requestCounts()[FuseOpcodes.OPEN]).isLessThanOrEqualTo(5);
      assertThat(m.mount.requestCounts()[FuseOpcodes.RELEASE]).isZero();
    }
  }
}
