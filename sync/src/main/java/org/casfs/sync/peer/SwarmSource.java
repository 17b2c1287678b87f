package org.casfs.sync.peer;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.casfs.cas.CorruptObjectException;
import org.casfs.cas.ObjectId;
import org.casfs.sync.pull.SlowSourceException;
import org.casfs.sync.pull.Source;
import org.casfs.sync.wire.FetchRequest;
import org.casfs.sync.wire.WireException;

/**
 * Several neighbours offering the same verified version, seen by the {@code Puller} as one
 * source: every object request goes to the lane (neighbour) expected to finish it first, judged by
 * its measured throughput and how busy it is, so objects spread across all neighbours and the
 * fastest carry most. Each object is checked against its SHA-1 (its id) before the Puller sees a
 * byte of it; a lane that sends wrong bytes, sends too slowly or breaks its protocol is dropped
 * for the rest of the pull, and one that fails twice in a row otherwise (refused connection,
 * vanished mid-transfer; a lane that delivers between its failures, as over a link that keeps
 * dropping, stays) is dropped too — its share goes to the others. The last lane left is held to a
 * lower rate floor ({@link Source#onlySourceLeft}). The Puller still verifies SHA-1,
 * SHA-256 and size of everything it stores; this class only decides whom to ask.
 *
 * <p>{@link #openFetchOrNull} answers null, so the Puller walks the trees with parallel object
 * requests (its {@code parallelGets} bounds them). Objects up to {@code MEMORY_LIMIT} are held in
 * memory while checked, larger ones in a temporary file under {@code spillDir} that is deleted
 * when the returned stream is closed. Thread-safe.
 */
public final class SwarmSource implements Source {
  static final int MEMORY_LIMIT = 4 << 20;
  private static final int STRIKES_TO_DROP = 2;

  /** One neighbour's share of a pull, for logs and status. */
  public record LaneStats(String name, long objects, long bytes, int failures, boolean dropped,
      String droppedWhy) {}

  private final String name;
  private final byte[] headBytes;
  private final List<Lane> lanes = new ArrayList<>();
  private final Path spillDir;
  private final Consumer<String> log;

  public SwarmSource(String name, byte[] verifiedHeadBytes, List<Source> neighbours, Path spillDir,
      Consumer<String> log) {
    if (neighbours.isEmpty()) {
      throw new IllegalArgumentException("a swarm needs at least one neighbour");
    }
    this.name = name;
    this.headBytes = verifiedHeadBytes.clone();
    for (Source s : neighbours) {
      lanes.add(new Lane(s));
    }
    this.spillDir = spillDir;
    this.log = log;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte[] head() {
    return headBytes.clone();
  }

  @Override
  public InputStream openFetchOrNull(FetchRequest request) {
    return null;
  }

  @Override
  public InputStream openObject(ObjectId id, long offset) throws IOException {
    List<String> tried = new ArrayList<>();
    while (true) {
      Lane lane = pick(tried);
      if (lane == null) {
        throw new IOException("no neighbour could deliver object " + id + " (" + String.join("; ", tried) + ")");
      }
      long start = System.nanoTime();
      lane.begin();
      try {
        Checked got = download(lane.source, id);
        lane.succeeded(got.size, System.nanoTime() - start);
        InputStream in = got.open();
        in.skipNBytes(Math.min(offset, got.size));
        return in;
      } catch (SlowSourceException e) {
        if (lastLane(lane)) {
          // Judged slow before the others were dropped: the last neighbour is held to a lower floor.
          lane.source.onlySourceLeft();
          log.accept("source " + lane.source.name() + " is slow, but it is the only neighbour left: going on with it");
        } else {
          dropAndKeepTheLast(lane, e);
          tried.add(lane.source.name() + ": " + e.getMessage());
        }
      } catch (CorruptObjectException | WireException e) {
        dropAndKeepTheLast(lane, e);
        tried.add(lane.source.name() + ": " + e.getMessage());
      } catch (FileNotFoundException e) {
        lane.strike();
        tried.add(lane.source.name() + " lacks it");
      } catch (IOException e) {
        if (lane.strike() >= STRIKES_TO_DROP) {
          lane.drop("failed twice in a row, last: " + e.getMessage());
          log.accept("dropped source " + lane.source.name() + " after failing twice in a row: " + e.getMessage());
          keepTheLastLane();
        }
        tried.add(lane.source.name() + ": " + e.getMessage());
      } finally {
        lane.end();
      }
    }
  }

  private void dropAndKeepTheLast(Lane lane, IOException why) {
    lane.drop(why.getMessage());
    log.accept("dropped source " + lane.source.name() + ": " + why.getMessage());
    keepTheLastLane();
  }

  private synchronized boolean lastLane(Lane lane) {
    return lanes.stream().noneMatch(l -> l != lane && l.dropped == null);
  }

  /** Slow lanes are dropped for faster ones; the last one left is held to a lower floor. */
  private synchronized void keepTheLastLane() {
    List<Lane> left = lanes.stream().filter(l -> l.dropped == null).toList();
    if (left.size() == 1) {
      left.get(0).source.onlySourceLeft();
    }
  }

  /** The lane expected to deliver soonest that has not been tried for this object yet. */
  private synchronized Lane pick(List<String> tried) {
    Lane best = null;
    double bestScore = Double.MAX_VALUE;
    for (Lane l : lanes) {
      if (l.dropped != null || triedAlready(tried, l)) {
        continue;
      }
      // Expected wait: work queued on the lane over its rate; a small jitter breaks ties so
      // equal lanes share the load instead of the first taking everything.
      double score = (l.inFlight + 1) / l.bytesPerSecond
          * (1 + ThreadLocalRandom.current().nextDouble() * 0.05);
      if (score < bestScore) {
        bestScore = score;
        best = l;
      }
    }
    return best;
  }

  private static boolean triedAlready(List<String> tried, Lane l) {
    String prefix = l.source.name();
    for (String t : tried) {
      if (t.startsWith(prefix + ":") || t.startsWith(prefix + " ")) {
        return true;
      }
    }
    return false;
  }

  private Checked download(Source source, ObjectId id) throws IOException {
    MessageDigest sha1 = sha1();
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = source.openObject(id, 0)) {
      java.io.ByteArrayOutputStream mem = new java.io.ByteArrayOutputStream();
      long total = 0;
      Path spill = null;
      OutputStream out = mem;
      try {
        for (int n; (n = in.read(buf)) > 0; ) {
          sha1.update(buf, 0, n);
          total += n;
          if (spill == null && total > MEMORY_LIMIT) {
            Files.createDirectories(spillDir);
            spill = Files.createTempFile(spillDir, "swarm-", ".obj");
            out = Files.newOutputStream(spill, StandardOpenOption.WRITE);
            mem.writeTo(out);
            mem = null;
            out.write(buf, 0, n);
          } else {
            out.write(buf, 0, n);
          }
        }
        out.close();
        ObjectId actual = ObjectId.fromRaw(sha1.digest());
        if (!actual.equals(id)) {
          throw CorruptObjectException.mismatch(id, actual);
        }
        Checked c = new Checked(total, mem == null ? null : mem.toByteArray(), spill);
        spill = null;
        return c;
      } finally {
        if (spill != null) {
          out.close();
          Files.deleteIfExists(spill);
        }
      }
    }
  }

  private static MessageDigest sha1() {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-1", e);
    }
  }

  /** Verified object bytes, in memory or in a spill file deleted on close. */
  private record Checked(long size, byte[] bytes, Path file) {
    InputStream open() throws IOException {
      if (bytes != null) {
        return new ByteArrayInputStream(bytes);
      }
      InputStream in = Files.newInputStream(file, StandardOpenOption.DELETE_ON_CLOSE);
      return in;
    }
  }

  public synchronized List<LaneStats> lanes() {
    List<LaneStats> out = new ArrayList<>();
    for (Lane l : lanes) {
      out.add(new LaneStats(l.source.name(), l.objects, l.bytes, l.failures, l.dropped != null,
          l.dropped));
    }
    return out;
  }

  /** Whether the named neighbour was dropped for sending bad data or failing. */
  public synchronized boolean dropped(String sourceName) {
    return lanes.stream().anyMatch(l -> l.source.name().equals(sourceName) && l.dropped != null);
  }

  @Override
  public long bytesReceived() {
    long n = 0;
    for (Lane l : lanes) {
      n += l.source.bytesReceived();
    }
    return n;
  }

  @Override
  public long requests() {
    long n = 0;
    for (Lane l : lanes) {
      n += l.source.requests();
    }
    return n;
  }

  @Override
  public void close() throws IOException {
    for (Lane l : lanes) {
      l.source.close();
    }
  }

  private final class Lane {
    final Source source;
    int inFlight;
    double bytesPerSecond = 4e6;
    long objects;
    long bytes;
    int failures;
    int failuresInARow;
    String dropped;

    Lane(Source source) {
      this.source = source;
    }

    void begin() {
      synchronized (SwarmSource.this) {
        inFlight++;
      }
    }

    void end() {
      synchronized (SwarmSource.this) {
        inFlight--;
      }
    }

    void succeeded(long size, long nanos) {
      synchronized (SwarmSource.this) {
        objects++;
        bytes += size;
        failuresInARow = 0;
        // Only objects big enough to measure bandwidth move the estimate (small ones are latency).
        if (size >= 32 * 1024 && nanos > 0) {
          double rate = size * 1e9 / nanos;
          bytesPerSecond = 0.7 * bytesPerSecond + 0.3 * rate;
        }
      }
    }

    /** Counts a failure; returns the failures since the lane last delivered an object. */
    int strike() {
      synchronized (SwarmSource.this) {
        failures++;
        failuresInARow++;
        // A failing lane looks slower, so it is asked last until it is dropped.
        bytesPerSecond = Math.max(1, bytesPerSecond / 4);
        return failuresInARow;
      }
    }

    void drop(String why) {
      synchronized (SwarmSource.this) {
        if (dropped == null) {
          dropped = why;
        }
      }
    }
  }
}
