package org.casfs.tools.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.casfs.tools.Casfs;
import org.casfs.tools.CliException;
import org.casfs.tools.ExitCode;

/**
 * What demo steps share: a work directory, the demo repository, named values that earlier steps
 * leave for later ones, and runners that print each command, its output (shortened) and how long
 * it took. Not thread-safe: steps run one after another.
 */
public final class DemoContext {
  private static final int MAX_LINES = 12;

  private final Path work;
  private final PrintWriter out;
  private final Map<String, String> env;
  private final Map<String, Object> state = new HashMap<>();

  public DemoContext(Path work, PrintWriter out, Map<String, String> baseEnv) {
    this.work = work;
    this.out = out;
    Map<String, String> e = new HashMap<>(baseEnv);
    e.put("CASFS_REPO", repo().toString());
    this.env = Map.copyOf(e);
  }

  /** The demo's scratch directory; removed at the end unless {@code --keep}. */
  public Path work() {
    return work;
  }

  /** The demo repository ({@code WORK/repo}). */
  public Path repo() {
    return work.resolve("repo");
  }

  public PrintWriter out() {
    return out;
  }

  /** Leaves a value for later steps. */
  public void put(String key, Object value) {
    state.put(key, value);
  }

  /** A value an earlier step left; fails clearly if none did. */
  @SuppressWarnings("unchecked")
  public <T> T get(String key) {
    Object v = state.get(key);
    if (v == null) {
      throw new IllegalStateException("no demo value '" + key + "': an earlier step did not run");
    }
    return (T) v;
  }

  /** A line of explanation. */
  public void say(String text) {
    out.println("  " + text);
    out.flush();
  }

  /**
   * Runs a casfs command in this process against the demo repository, shows it and its output,
   * and returns the output. A non-zero exit stops the demo with that command's error.
   */
  public String casfs(String... args) {
    out.println("  $ casfs " + String.join(" ", args));
    out.flush();
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    long t0 = System.nanoTime();
    int code = Casfs.run(env, false, o, e, args);
    String text = o.toString(StandardCharsets.UTF_8);
    show(text, System.nanoTime() - t0);
    if (code != 0) {
      String err = e.toString(StandardCharsets.UTF_8).strip();
      throw new CliException(exitCode(code), "demo: 'casfs " + String.join(" ", args) + "' failed: "
          + err.replaceFirst("^casfs: ", ""));
    }
    return text;
  }

  /** Runs a program (no shell), shows it and its output, and returns stdout; non-zero exit stops the demo. */
  public String sh(List<String> command, boolean show) throws IOException, InterruptedException {
    if (show) {
      out.println("  $ " + String.join(" ", command));
      out.flush();
    }
    Path stdout = Files.createTempFile(work, "out", ".txt");
    Path stderr = Files.createTempFile(work, "err", ".txt");
    try {
      long t0 = System.nanoTime();
      Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException(command.get(0) + " did not finish in 10 minutes");
      }
      String text = Files.readString(stdout, StandardCharsets.ISO_8859_1);
      if (show) {
        show(text + Files.readString(stderr, StandardCharsets.UTF_8), System.nanoTime() - t0);
      }
      if (p.exitValue() != 0) {
        throw new IOException(command.get(0) + " exited with " + p.exitValue() + ": "
            + Files.readString(stderr, StandardCharsets.UTF_8).strip().replace('\n', ' '));
      }
      return text;
    } finally {
      Files.deleteIfExists(stdout);
      Files.deleteIfExists(stderr);
    }
  }

  public String sh(String... command) throws IOException, InterruptedException {
    return sh(List.of(command), true);
  }

  private void show(String text, long nanos) {
    List<String> lines = new ArrayList<>(text.lines().toList());
    int shown = Math.min(lines.size(), MAX_LINES);
    for (int i = 0; i < shown; i++) {
      out.println("    " + lines.get(i));
    }
    if (lines.size() > shown) {
      out.println("    ... (" + (lines.size() - shown) + " more lines)");
    }
    out.println(String.format(java.util.Locale.ROOT, "    (%.2f s)", nanos / 1e9));
    out.flush();
  }

  private static ExitCode exitCode(int code) {
    for (ExitCode c : ExitCode.values()) {
      if (c.code() == code) {
        return c;
      }
    }
    return ExitCode.INTERNAL;
  }

  /**
   * A copy of the demo's source tree at {@code work/name} (hardlinks where the filesystem allows,
   * else a byte copy) in which one small file ({@code release}, else {@code fallbackFile}) gains
   * the line {@code CASFS_DEMO="what"}; the source is never written. Returns the copy; the changed
   * file's name is {@link #changedFileName}.
   */
  public Path changedCopy(String name, String fallbackFile, String what) throws IOException, InterruptedException {
    Path source = get(StoreSteps.SOURCE);
    Path copy = work.resolve(name);
    try {
      sh("cp", "-al", source.toString(), copy.toString());
    } catch (IOException e) { // another filesystem: hardlinks impossible, copy the bytes
      sh("rm", "-rf", copy.toString());
      sh("cp", "-a", source.toString(), copy.toString());
    }
    String file = changedFileName(source, fallbackFile);
    Path changed = copy.resolve(file);
    byte[] old = Files.exists(changed, LinkOption.NOFOLLOW_LINKS) ? Files.readAllBytes(changed) : new byte[0];
    Files.deleteIfExists(changed); // a hardlink to the source: replace it, never write through it
    Files.write(changed, (new String(old, StandardCharsets.ISO_8859_1) + "CASFS_DEMO=\"" + what + "\"\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    say("changed " + file + " in " + copy + " (the source is untouched)");
    return copy;
  }

  /** The file {@link #changedCopy} changes: {@code release} if the source has one, else the fallback. */
  public static String changedFileName(Path source, String fallbackFile) {
    return Files.isRegularFile(source.resolve("release"), LinkOption.NOFOLLOW_LINKS) ? "release" : fallbackFile;
  }
}
