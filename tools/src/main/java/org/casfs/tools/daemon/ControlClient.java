package org.casfs.tools.daemon;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.casfs.tools.ExitCode;
import org.casfs.tools.RepoArguments;

/**
 * The client side of the control socket: a command on a repository that a daemon (a mount, a
 * peer, a server) owns runs in that daemon, so the user types the same command whether or not
 * one runs.
 * Forwarded when {@code REPO/control.sock} answers; when the repository's lock is held but there
 * is no socket yet (a daemon starting), the socket is awaited for up to {@value #STARTING_WAIT_MS}
 * ms. A socket nobody listens on (its daemon was killed) is ignored and the command runs here.
 * Stateless and thread-safe.
 */
public final class ControlClient {
  public static final long STARTING_WAIT_MS = 3000;

  private ControlClient() {}

  /**
   * Runs {@code args} in the daemon that owns their repository and returns the exit code, having
   * copied its output to {@code stdout}/{@code stderr}; or returns null when no daemon serves it
   * (not a repository command, help, no repository given, nobody listening), and the caller runs
   * the command itself.
   */
  public static Integer runIfServed(Map<String, String> env, boolean terminal, Path cwd, OutputStream stdout,
      OutputStream stderr, String... args) {
    Path repo = repoOfOrNull(env, cwd, args);
    if (repo == null || HeldRepository.holds(repo)) {
      return null;
    }
    Path socket = repo.resolve(ControlServer.SOCKET);
    if (!Files.exists(socket) && !awaitStartingDaemon(repo, socket)) {
      return null;
    }
    SocketChannel ch;
    try {
      ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    } catch (IOException e) {
      return null;
    }
    try (ch) {
      try (ControlSocketAddress address = ControlSocketAddress.of(socket)) {
        ch.connect(address.address());
      } catch (IOException e) {
        return null; // stale: its daemon died; the repository is free (or the lock says why not)
      }
      Map<String, String> sent = new TreeMap<>();
      env.forEach((k, v) -> {
        if (k.startsWith("CASFS_") && !k.equals("CASFS_CLASSPATH")) {
          sent.put(k, v);
        }
      });
      sent.put("CASFS_REPO", repo.toString());
      if (sent.containsKey("CASFS_KEY")) {
        sent.put("CASFS_KEY", cwd.resolve(sent.get("CASFS_KEY")).toString());
      }
      try {
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch));
        ControlProtocol.writeRequest(out, new ControlProtocol.Request(cwd, terminal, sent, List.of(args)));
        Integer code = ControlProtocol.copyResponse(Channels.newInputStream(ch), stdout, stderr);
        if (code != null) {
          return code;
        }
        return fail(stderr, "the casfs daemon holding " + repo + " stopped before 'casfs " + String.join(" ", args)
            + "' finished; look at 'casfs status' and run it again", ExitCode.IO);
      } catch (IOException e) {
        return fail(stderr, "talking to the casfs daemon at " + socket + " failed (" + e.getMessage()
            + "); look at 'casfs status' and run it again", ExitCode.IO);
      }
    } catch (IOException e) {
      return null; // closing the channel failed; the answer is already out
    }
  }

  /**
   * The repository a repository command names, or null if {@code args} are not one (or ask for
   * help). Read from the arguments by hand, not by picocli and without loading a command class: a
   * forwarded command is parsed in the daemon, and building picocli's model here cost ~0.15 s of
   * every forwarded command's start. A bad command line is forwarded too; the daemon reports it
   * exactly as a local run would.
   */
  static Path repoOfOrNull(Map<String, String> env, Path cwd, String... args) {
    if (args.length == 0 || !RepoArguments.isRepoCommand(args[0])) {
      return null; // no subcommand first (an option before it: the full parser judges it)
    }
    String option = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--")) {
        break;
      } else if (a.equals("-h") || a.equals("--help")) {
        return null;
      } else if (a.equals("--repo") && i + 1 < args.length) {
        option = args[++i];
      } else if (a.startsWith("--repo=")) {
        option = a.substring("--repo=".length());
      }
    }
    Path dir;
    try {
      dir = RepoArguments.repoDirOrNull(option, env.get("CASFS_REPO"), cwd);
    } catch (RuntimeException e) {
      return null; // an empty or unspellable path: the command, run here, refuses it in one line
    }
    return dir != null && Files.isDirectory(dir) ? dir : null;
  }

  /**
   * True once {@code REPO/control.sock} answers, waiting up to {@value #STARTING_WAIT_MS} ms while
   * the repository stays locked (a daemon that is starting); false at once if it is not locked. A
   * socket file left by a killed daemon does not count: the new one replaces it when it is up.
   */
  public static boolean awaitStartingDaemon(Path repo) {
    return awaitStartingDaemon(repo, repo.resolve(ControlServer.SOCKET));
  }

  private static boolean awaitStartingDaemon(Path repo, Path socket) {
    if (!LockProbe.isLocked(repo.resolve("lock"))) {
      return false;
    }
    long deadline = System.nanoTime() + STARTING_WAIT_MS * 1_000_000L;
    while (System.nanoTime() < deadline) {
      if (answers(socket)) {
        return true;
      }
      if (!LockProbe.isLocked(repo.resolve("lock"))) {
        return false;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  /** True if a daemon accepts connections on {@code socket} (the probe then hangs up, unnoticed). */
  private static boolean answers(Path socket) {
    if (!Files.exists(socket)) {
      return false;
    }
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ControlSocketAddress address = ControlSocketAddress.of(socket)) {
      ch.connect(address.address());
      return true;
    } catch (IOException e) {
      return false; // left by a daemon that died
    }
  }

  private static int fail(OutputStream stderr, String message, ExitCode code) {
    try {
      stderr.write(("casfs: " + message + "\n").getBytes(StandardCharsets.UTF_8));
      stderr.flush();
    } catch (IOException e) {
      // nowhere left to say it
    }
    return code.code();
  }
}
