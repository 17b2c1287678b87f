package org.casfs.tools.daemon;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.casfs.tools.Casfs;
import org.casfs.tools.ExitCode;
import org.casfs.tools.OpenRepo;

/**
 * The control socket of a daemon that owns a repository ({@code casfs mount}, {@code peer}, {@code serve}):
 * {@code REPO/control.sock}, mode 0600, answering only root and the repository's owner (checked
 * with {@code SO_PEERCRED}). Each connection carries one command ({@link ControlProtocol}), which
 * runs in this process through picocli against the daemon's open repository
 * ({@link HeldRepository}), with the client's working directory and {@code CASFS_*} variables;
 * its output streams back in frames.
 *
 * <p>Read-only commands run side by side; anything that may change the repository runs alone. A
 * client that goes away (Ctrl-C) stops its command here as well ({@link HangUpWatch}), and the
 * daemon's log says so.
 * Commands that start another owner of the repository (mount, peer, serve, init, demo) are refused
 * with one line. A socket file left by a killed daemon is replaced: this process holds the
 * repository's lock, so nobody else can be listening on it. {@link #close} stops accepting,
 * waits up to 10 s for running commands, removes the socket file and releases the repository.
 * Thread-safe.
 */
public final class ControlServer implements AutoCloseable {
  /** The socket's name inside the repository directory. */
  public static final String SOCKET = "control.sock";

  private static final Set<String> REFUSED = Set.of("mount", "peer", "serve", "init", "demo");
  private static final Set<String> READ_ONLY = Set.of("status", "history", "log", "ls", "cat", "show", "diff",
      "checkout", "mirror");
  /**
   * Commands stopped when their client goes away ({@link HangUpWatch}), besides the read-only ones:
   * an import or a checkout undoes itself, a pull keeps what it stored without switching, a mirror
   * is completed by its next run. The others (commit, switch, gc, delta, fsck --repair, ...) change
   * refs, an open transaction or the store and run to their end.
   */
  private static final Set<String> STOPPABLE = Set.of("import", "pull");
  private static final int MAX_CLIENTS = 8;

  private final ServerSocketChannel server;
  private final Path socket;
  private final String owner;
  private final String role;
  private final Consumer<String> log;
  private final AutoCloseable hold;
  private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "casfs-control");
    t.setDaemon(true);
    return t;
  });
  private final Semaphore clients = new Semaphore(MAX_CLIENTS);
  private final ReadWriteLock repoLock = new ReentrantReadWriteLock(true);
  private final Thread acceptor;
  private final Thread onExit = new Thread(this::removeSocketAtExit, "casfs-control-exit");
  private volatile boolean closed;

  private ControlServer(ServerSocketChannel server, Path socket, String owner, String role, Consumer<String> log,
      AutoCloseable hold) {
    this.server = server;
    this.socket = socket;
    this.owner = owner;
    this.role = role;
    this.log = log;
    this.hold = hold;
    this.acceptor = new Thread(this::acceptLoop, "casfs-control-accept");
    acceptor.setDaemon(true);
  }

  /**
   * Serves {@code open} on {@code REPO/control.sock} until closed. {@code role} says who serves, as
   * refusals show it ("casfs mount (pid 42) at /mnt"). The caller holds the repository open for
   * as long as this runs.
   */
  public static ControlServer start(OpenRepo open, String role, Consumer<String> log) throws IOException {
    Path dir = open.repo().dir().toAbsolutePath();
    Path socket = dir.resolve(SOCKET);
    if (Files.deleteIfExists(socket)) {
      log.accept("casfs: replaced a stale control socket " + socket + " (its daemon had died)");
    }
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    AutoCloseable hold = null;
    try {
      try (ControlSocketAddress address = ControlSocketAddress.of(socket)) {
        server.bind(address.address());
      }
      // The file appears with the umask's mode; the SO_PEERCRED check covers the moment until this.
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
      hold = HeldRepository.hold(open);
      String owner = Files.getOwner(dir).getName();
      ControlServer s = new ControlServer(server, socket, owner, role, log, hold);
      s.acceptor.start();
      // SIGTERM ends the JVM once the mount's own hook has unmounted, maybe before close() runs.
      Runtime.getRuntime().addShutdownHook(s.onExit);
      return s;
    } catch (IOException | RuntimeException e) {
      server.close();
      Files.deleteIfExists(socket);
      closeQuietly(hold);
      throw new IOException("cannot serve the control socket " + socket + ": " + e.getMessage(), e);
    }
  }

  /**
   * As {@link #start}, but a daemon that cannot serve its socket (its directory not writable, say)
   * still runs: this logs why, and returns null (try-with-resources accepts it); other commands on
   * the repository then report it busy, as before. A repository on
   * a read-only filesystem gets no socket: every process opens it for reading, side by side.
   */
  public static ControlServer startOrWarn(OpenRepo open, String role, Consumer<String> log) {
    if (open.repo().readOnly() && !open.repo().readOnlyForWantOfSpace()) {
      return null; // on a read-only filesystem: no socket there, and commands open it beside the daemon to read
    }
    try {
      return start(open, role, log);
    } catch (IOException e) {
      log.accept("casfs: warning: " + e.getMessage() + "; other casfs commands on this repository will find it busy");
      return null;
    }
  }

  /**
   * The lock a command that changes the repository holds while it runs: work of the daemon's own
   * that must not run beside such a command (its gc) holds it too.
   */
  public Lock exclusiveLock() {
    return repoLock.writeLock();
  }

  /** The socket file. */
  public Path socket() {
    return socket;
  }

  private void acceptLoop() {
    while (!closed) {
      SocketChannel ch;
      try {
        ch = server.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (!closed) {
          log.accept("casfs: control socket: " + e.getMessage());
        }
        return;
      }
      if (!clients.tryAcquire()) {
        answerAndClose(ch, ExitCode.BUSY.code(), "casfs: " + role + " is already running " + MAX_CLIENTS
            + " commands; try again in a moment\n");
        continue;
      }
      try {
        workers.execute(() -> {
          try {
            serve(ch);
          } finally {
            clients.release();
          }
        });
      } catch (RuntimeException e) { // rejected: shutting down
        clients.release();
        answerAndClose(ch, ExitCode.BUSY.code(), "casfs: " + role + " is stopping; run the command again\n");
      }
    }
  }

  private void serve(SocketChannel ch) {
    try (ch) {
      InputStream in = Channels.newInputStream(ch);
      DataOutputStream sink = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(ch), 8192));
      String peer = peerUserOrNull(ch);
      if (peer == null || !(peer.equals("root") || peer.equals(owner) || peer.equals(System.getProperty("user.name")))) {
        refuse(sink, ExitCode.REJECTED, "casfs: " + role + " runs commands only for root and " + owner
            + ", not for " + (peer == null ? "an unknown user" + "" : peer) + "; ask one of them");
        return;
      }
      ControlProtocol.Request req;
      try {
        req = ControlProtocol.readRequest(in);
      } catch (IOException e) {
        refuse(sink, ExitCode.USAGE, "casfs: bad control request: " + e.getMessage()
            + "; use the casfs command of the same version as the daemon");
        return;
      }
      String name = subcommand(req.args());
      if (REFUSED.contains(name)) {
        refuse(sink, name.equals("init") ? ExitCode.REPOSITORY : ExitCode.BUSY, "casfs: the repository is held by "
            + role + "; 'casfs " + name + "' cannot run while it does; stop that process first");
        return;
      }
      run(req, name, sink, ch);
    } catch (IOException e) {
      // The client went away (Ctrl-C, a closed pipe): nothing to answer.
    }
  }

  private void run(ControlProtocol.Request req, String name, DataOutputStream sink, SocketChannel ch)
      throws IOException {
    Lock lock = readOnly(name, req.args()) ? repoLock.readLock() : repoLock.writeLock();
    Map<String, String> env = new LinkedHashMap<>();
    req.env().forEach((k, v) -> {
      if (k.startsWith("CASFS_") && !k.equals("CASFS_CLASSPATH")) {
        env.put(k, v);
      }
    });
    int code;
    try (HangUpWatch watch = HangUpWatch.start(ch, workers, stoppable(name, req.args()), outcome ->
        log.accept("casfs: the client of 'casfs " + String.join(" ", req.args()) + "' went away; the command "
            + outcome.description))) {
      try {
        lock.lockInterruptibly();
      } catch (InterruptedException e) {
        return; // its client went away while it waited
      }
      try {
        if (!watch.running()) {
          return;
        }
        try (OutputStream out = new FrameOutputStream(sink, ControlProtocol.STDOUT);
            OutputStream err = new FrameOutputStream(sink, ControlProtocol.STDERR)) {
          // A client on a terminal gets progress bars: they are drawn on err, its stderr.
          code = Casfs.runHere(env, req.terminal(), req.cwd(), out, err, req.args().toArray(String[]::new));
          out.flush();
          err.flush();
        }
      } finally {
        lock.unlock();
      }
    }
    synchronized (sink) {
      ControlProtocol.writeExit(sink, code);
    }
  }

  private static boolean stoppable(String name, List<String> args) {
    return STOPPABLE.contains(name) || readOnly(name, args);
  }

  private static boolean readOnly(String name, List<String> args) {
    return READ_ONLY.contains(name) || name.equals("fsck") && !args.contains("--repair");
  }

  /** The first argument that is not an option: picocli's subcommand (the root takes no valued options). */
  static String subcommand(List<String> args) {
    for (String a : args) {
      if (!a.startsWith("-")) {
        return a;
      }
    }
    return "";
  }

  private static String peerUserOrNull(SocketChannel ch) {
    try {
      UnixDomainPrincipal p = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
      return p.user().getName();
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }

  private static void refuse(DataOutputStream sink, ExitCode code, String line) throws IOException {
    byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
    ControlProtocol.writeFrame(sink, ControlProtocol.STDERR, b, 0, b.length);
    ControlProtocol.writeExit(sink, code.code());
  }

  private static void answerAndClose(SocketChannel ch, int code, String line) {
    try (ch) {
      DataOutputStream sink = new DataOutputStream(Channels.newOutputStream(ch));
      byte[] b = line.getBytes(StandardCharsets.UTF_8);
      ControlProtocol.writeFrame(sink, ControlProtocol.STDERR, b, 0, b.length);
      ControlProtocol.writeExit(sink, code);
    } catch (IOException e) {
      // the client is gone
    }
  }

  private void removeSocketAtExit() {
    closed = true;
    try {
      server.close();
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      // the process is ending; the next daemon replaces a leftover socket
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(onExit);
    } catch (IllegalStateException e) {
      // shutting down: the hook runs anyway
    }
    try {
      server.close();
    } catch (IOException e) {
      log.accept("casfs: closing the control socket: " + e.getMessage());
    }
    workers.shutdown();
    try {
      if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
        log.accept("casfs: a command run for a client did not finish within 10 s of the shutdown");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      log.accept("casfs: cannot remove " + socket + ": " + e.getMessage());
    }
    closeQuietly(hold);
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      // HeldRepository's handle does not fail
    }
  }
}
