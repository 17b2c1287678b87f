package org.casfs.cas.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What real programs say of a directory tree, for comparing an import's source with its
 * checkout: {@code find}'s metadata listings (the formats of issue 2), {@code sha1sum} of every
 * regular file and {@code getfattr -d -m - -h} of every path. Records are NUL-separated when
 * produced (names may hold newlines), sorted, and shown one per line. Shared with other
 * modules' tests through the cas test-jar. Thread-safe (stateless).
 */
public final class TreeListing {
  /** {@code find ! -type d -printf '%y %m %U %G %s %T@ %l %n %P'}. */
  public static final String NON_DIRECTORIES = "%y %m %U %G %s %T@ %l %n %P\\0";
  /** {@code find -type d -printf '%m %U %G %T@ %P'}: a directory's size belongs to the file system. */
  public static final String DIRECTORIES = "%m %U %G %T@ %P\\0";

  private TreeListing() {}

  /** Every listing of {@code dir}, concatenated under headers, ready to compare. */
  public static String of(Path dir) throws IOException {
    return "== non-directories\n" + nonDirectories(dir)
        + "== directories\n" + directories(dir)
        + "== sha1sum\n" + sha1sums(dir)
        + "== getfattr\n" + xattrs(dir);
  }

  public static String nonDirectories(Path dir) throws IOException {
    return sorted(run(dir, "find", ".", "!", "-type", "d", "-printf", NON_DIRECTORIES));
  }

  public static String directories(Path dir) throws IOException {
    return sorted(run(dir, "find", ".", "-type", "d", "-printf", DIRECTORIES));
  }

  public static String sha1sums(Path dir) throws IOException {
    return sorted(run(dir, "bash", "-c",
        "set -o pipefail; find . -type f -print0 | sort -z | xargs -0 -r sha1sum -z"));
  }

  /** {@code getfattr -d -m - -h -e hex} of every path, in sorted path order. */
  public static String xattrs(Path dir) throws IOException {
    byte[] out = run(dir, "bash", "-c",
        "set -o pipefail; find . -print0 | LC_ALL=C sort -z | xargs -0 -r getfattr -d -m - -h -e hex --absolute-names");
    return new String(out, StandardCharsets.ISO_8859_1);
  }

  /** NUL-separated records, sorted by bytes, one per line (ISO-8859-1 keeps every byte). */
  private static String sorted(byte[] output) {
    List<String> records = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < output.length; i++) {
      if (output[i] == 0) {
        records.add(new String(output, start, i - start, StandardCharsets.ISO_8859_1));
        start = i + 1;
      }
    }
    if (start < output.length) {
      records.add(new String(output, start, output.length - start, StandardCharsets.ISO_8859_1));
    }
    Collections.sort(records);
    StringBuilder sb = new StringBuilder();
    for (String r : records) {
      sb.append(r.replace("\n", "\\n")).append('\n');
    }
    return sb.toString();
  }

  /** Runs a program in {@code dir}; a non-zero exit is an error carrying its stderr. */
  public static byte[] run(Path dir, String... command) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().put("LC_ALL", "C");
    Process p = pb.start();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread errReader = new Thread(() -> copy(p.getErrorStream(), err));
    errReader.start();
    try {
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException("timed out: " + Arrays.toString(command));
      }
      errReader.join();
      if (p.exitValue() != 0) {
        throw new IOException(Arrays.toString(command) + " in " + dir + " exited " + p.exitValue() + ": "
            + err.toString(StandardCharsets.UTF_8));
      }
      return out;
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    try {
      in.transferTo(out);
    } catch (IOException e) {
      // the process died; its exit code tells
    }
  }
}
