package org.casfs.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.casfs.cas.store.Repository;

/**
 * A second process for tests: opens the repository named by its argument, prints "ready", and
 * holds it until its standard input closes.
 */
public final class HoldRepository {
  private HoldRepository() {}

  /**
   * Starts one, holding {@code repo}, and returns once it holds it. Closing the process's standard
   * input lets go; a test does that, and waits for it, in {@code finally}.
   */
  static Process start(Path repo) throws IOException {
    Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), HoldRepository.class.getName(), repo.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String ready = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))
        .readLine();
    if (ready == null || !ready.startsWith("ready ")) {
      holder.destroyForcibly();
      throw new IOException("the holder of " + repo + " did not start: " + ready);
    }
    return holder;
  }

  /** Lets go of the repository and waits for the holder to end (killed after 20 s). */
  static void release(Process holder) throws IOException, InterruptedException {
    holder.getOutputStream().close();
    if (!holder.waitFor(20, TimeUnit.SECONDS)) {
      holder.destroyForcibly().waitFor();
    }
  }

  public static void main(String[] args) throws Exception {
    try (Repository repo = Repository.open(Path.of(args[0]))) {
      System.out.println("ready " + ProcessHandle.current().pid());
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold until the parent closes our stdin (or destroys us)
      }
    }
  }
}
