package org.casfs.tools;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs the casfs CLI in-process with captured streams, as a script would (no terminal). */
final class CliRunner {
  /** What one invocation did. */
  record Result(int code, byte[] stdout, String err) {
    String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out() + "--- stderr\n" + err;
    }
  }

  private final Map<String, String> env = new HashMap<>();

  CliRunner() {}

  /** A runner whose CASFS_REPO is {@code repo}. */
  static CliRunner forRepo(Path repo) {
    CliRunner r = new CliRunner();
    r.env.put("CASFS_REPO", repo.toString());
    return r;
  }

  CliRunner env(String name, String value) {
    env.put(name, value);
    return this;
  }

  Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Casfs.run(env, false, out, err, args);
    return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
  }
}
