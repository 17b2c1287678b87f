package org.casfs.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.Snapshot;

/**
 * A read-only mount served by {@link ImageServer} straight over {@code /dev/fuse}
 * ({@link DevFuse}). {@code threads} Java threads each read a request, answer it and read the next;
 * the kernel hands each request to one waiting reader, so a slow read (a cold disk, the first
 * verification of a large blob) holds up only its own thread while the others go on. A switch of
 * the image is told to the kernel from the switching thread ({@link #switched}).
 *
 * <p>{@link #close()} unmounts (waiting for busy files up to a grace period, then lazily). A
 * shutdown hook does the same on SIGINT/SIGTERM. Thread-safe.
 */
public final class NodeMount extends LiveMount {
  /** Room for the largest request and reply: 128 KiB of data (max_read, max_write) and headers. */
  private static final int BUFFER = 128 * 1024 + 4096;
  /**
   * Nodes held before the kernel is asked to forget the oldest files: each costs about 600 bytes
   * of heap (its path, its entry, the maps), and a quarter of the heap goes to them.
   */
  static final int DEFAULT_MAX_NODES = Integer.getInteger("casfs.fs.maxNodes",
      (int) Math.min(Integer.MAX_VALUE, java.lang.Runtime.getRuntime().maxMemory() / 4 / 600));
  private final DevFuse dev;
  private final ImageServer server;
  private final int maxNodes;
  private final Thread trimmer = new Thread(this::trimNodes, "casfs-fuse-trim");
  private Snapshot shown;

  private NodeMount(Path mountPoint, DevFuse dev, ImageServer server, int threads, int maxNodes, Consumer<String> log) {
    super(mountPoint, threads, log);
    this.dev = dev;
    this.server = server;
    this.maxNodes = maxNodes;
    this.shown = server.image().current();
    server.image().addSwitchListener(this::switched); // before any request: no switch goes untold
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(this::serve, "casfs-fuse-" + i);
      t.setDaemon(true);
      t.start();
    }
    trimmer.setDaemon(true);
    trimmer.start();
  }

  /**
   * Mounts {@code image} read-only at {@code mountPoint} and returns once the kernel answers
   * through it; unless the image is pinned, every later switch of it is told to the kernel. The
   * mountpoint is checked and a stale mount cleaned up first ({@link MountTable#prepareMountPoint}).
   *
   * @throws MountException on an unusable mountpoint or a refused mount; the message is one line
   */
  public static NodeMount mount(SnapshotImage image, Path mountPoint, MountOptions options, Consumer<String> log)
      throws IOException {
    return mount(image, mountPoint, options, DEFAULT_MAX_NODES, log);
  }

  /** {@link #mount} keeping at most about {@code maxNodes} nodes ({@link #trimNodes}). */
  static NodeMount mount(SnapshotImage image, Path mountPoint, MountOptions options, int maxNodes,
      Consumer<String> log) throws IOException {
    if (options.writable()) {
      throw new IllegalArgumentException("a NodeMount is read-only; writable mounts go through FuseMount");
    }
    Path mp = mountPoint.toAbsolutePath().normalize();
    MountTable.prepareMountPoint(mp, log);
    DevFuse dev = DevFuse.mountOrNull(mp, options.kernelOptionString());
    if (dev == null) {
      throw new MountException("the kernel refused to mount " + mp + " (see libfuse's message above)");
    }
    NodeMount m = new NodeMount(mp, dev, new ImageServer(image, log), options.threads(), maxNodes, log);
    m.checkAnswers();
    return m;
  }

  private void serve() {
    ByteBuffer request = DevFuse.newBuffer(BUFFER);
    ByteBuffer reply = DevFuse.newBuffer(BUFFER);
    try {
      while (true) {
        long n = dev.read(request);
        if (n < 0) {
          int errno = (int) -n;
          if (errno == Errno.EINTR || errno == Errno.EAGAIN || errno == Errno.ENOENT) {
            continue; // interrupted, or the request was withdrawn before we got it
          }
          if (errno != Errno.ENODEV) {
            log.accept("casfs: reading /dev/fuse of " + mountPoint() + " failed with errno " + errno);
          }
          break; // ENODEV: unmounted
        }
        int opcode = request.getInt(4);
        counted(opcode);
        int len = server.serve(request, (int) n, reply);
        if (len > 0) {
          dev.write(reply, len); // ENOENT: the caller was interrupted and gave up; nothing to do
        }
        if (opcode == FuseOpcodes.LOOKUP && server.nodesHeld() > maxNodes) {
          LockSupport.unpark(trimmer);
        }
      }
    } catch (Throwable t) {
      log.accept("casfs: request thread died: " + t);
    } finally {
      threadEnded();
    }
  }

  /**
   * After a switch: the kernel drops the root's names whose entry changed, and the root's
   * attributes and cached listing. Every other node stays right (nodes are named by content).
   */
  private synchronized void switched() {
    Snapshot before = shown;
    Snapshot after = server.image().current();
    shown = after;
    if (threadsEnded()) {
      return;
    }
    try {
      ByteBuffer m = DevFuse.newBuffer(4096);
      for (byte[] name : ImageServer.changedRootNames(before, after)) {
        notify(m, FuseWire.invalidateEntry(m, FuseWire.ROOT_NODE, name),
            "name /" + new String(name, java.nio.charset.StandardCharsets.UTF_8));
      }
      // from offset 0 with length 0: its attributes and all its pages, which hold its listing
      notify(m, FuseWire.invalidateNode(m, FuseWire.ROOT_NODE, 0, 0), "the root's attributes");
    } catch (IOException e) {
      log.accept("casfs: cannot tell the kernel of the switch to " + after.id() + ": " + e.getMessage());
    }
  }

  /**
   * Keeps the node table within {@link #maxNodes}: the kernel keeps a node for every name it looked
   * up until memory runs short, and a walk of a large image (a backup, a {@code tar}) would
   * otherwise fill the heap. Beyond the limit, the oldest files' names are dropped
   * ({@code FUSE_NOTIFY_INVAL_ENTRY}, sent from this thread, never a request thread: the kernel
   * takes the parent directory's lock for it) down to 90% of it; the kernel then forgets those it
   * does not need, and a later use looks the name up again. Directories are left alone (a
   * process's working directory would show as deleted).
   */
  private void trimNodes() {
    ByteBuffer b = DevFuse.newBuffer(4096);
    while (!threadsEnded()) {
      LockSupport.park(this); // woken by a lookup past the limit, or by the end of the mount
      if (server.nodesHeld() <= maxNodes) {
        continue;
      }
      int over = server.nodesHeld() - maxNodes / 10 * 9;
      for (NodeTable.Node n : server.oldestFiles(over)) {
        int err = dev.write(b, FuseWire.invalidateEntry(b, n.parentId, SnapshotImage.lastName(n.path)));
        if (err != 0 && err != Errno.ENOENT) { // ENOENT: the kernel holds no such name any more
          log.accept("casfs: the kernel refused to drop " + SnapshotImage.printable(n.path) + " (errno " + err + ")");
        }
      }
    }
  }

  private void notify(ByteBuffer b, int len, String what) {
    int err = dev.write(b, len);
    if (err != 0 && err != Errno.ENOENT) { // ENOENT: the kernel holds nothing of it
      log.accept("casfs: the kernel refused to drop " + what + " after a switch (errno " + err + ")");
    }
  }

  /** Nodes the kernel holds now, the root aside. */
  public int nodesHeld() {
    return server.nodesHeld();
  }

  /**
   * The blobs and trees of the nodes the kernel holds: an open file or directory of a version
   * the mount no longer shows still reads them.
   */
  public Set<ObjectId> objectsShown() {
    return server.objectsShown();
  }

  @Override
  void release() {
    LockSupport.unpark(trimmer);
    dev.close();
    server.close();
  }
}
