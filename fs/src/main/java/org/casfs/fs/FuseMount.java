package org.casfs.fs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.PointerByReference;

/**
 * A writable mount of a {@link TxnFuse}, served through libfuse 2's high-level API by Java threads
 * this class owns. (Read-only mounts speak {@code /dev/fuse} themselves: {@link NodeMount}.)
 *
 * <p>Why own threads: libfuse's multithreaded loop calls back on native threads, which jnr
 * attaches to the JVM as a brand-new Java thread for every single callback (jnr/jnr-ffi#125);
 * its single-threaded loop avoids that but lets one slow request stall every process using the
 * mount. Here {@code threads} Java threads each run libfuse's receive/process step, so callbacks
 * arrive on attached threads and requests are served in parallel. Names and attributes are cached
 * for the options' short timeout. Every request is counted by opcode ({@link #requestCounts()};
 * logged at unmount when the system property {@code casfs.fs.requestStats} is true).
 *
 * <p>{@link #close()} unmounts (waiting for busy files up to a grace period, then lazily) and
 * releases libfuse. A shutdown hook does the same on SIGINT/SIGTERM. Thread-safe.
 */
public final class FuseMount extends LiveMount {
  private static final int FUSE_BUF_STRUCT = 40;
  private static final int FUSE_BUF_IS_FD = 2;
  private static final LibFuse lib = LibFuse.get();

  private final MountableFs fs;
  private final Pointer fuse;
  private final Pointer mountPointPtr;
  private final Pointer session;
  private final List<Thread> workers = new ArrayList<>();
  /** Held by the request thread that reads {@code /dev/fuse} next ({@link #serve}). */
  private final ReentrantLock receiving = new ReentrantLock();

  /** A request thread; remembers the node id of the request it is serving, and whether it reads next. */
  private static final class Worker extends Thread {
    private final FuseMount mount;
    boolean leading;

    Worker(FuseMount mount, Runnable r, String name) {
      super(r, name);
      this.mount = mount;
    }
  }

  private FuseMount(Path mountPoint, MountableFs fs, Pointer fuse, Pointer mountPointPtr, int threads,
      Consumer<String> log) {
    super(mountPoint, threads, log);
    this.fs = fs;
    this.fuse = fuse;
    this.mountPointPtr = mountPointPtr;
    this.session = lib.fuse_get_session(fuse);
    Pointer channel = lib.fuse_session_next_chan(session, null);
    long bufSize = lib.fuse_chan_bufsize(channel);
    for (int i = 0; i < threads; i++) {
      Thread t = new Worker(this, () -> serve(channel, bufSize), "casfs-fuse-" + i);
      t.setDaemon(true);
      workers.add(t);
    }
    workers.forEach(Thread::start);
  }

  /**
   * Mounts {@code fs} at {@code mountPoint} and returns once the kernel answers through it. A
   * stale mount left there by a killed casfs is cleaned up first.
   *
   * @throws MountException if the mountpoint is missing, not a directory or already mounted, or
   *     the kernel refuses the mount; the message is one line
   */
  public static FuseMount mount(MountableFs fs, Path mountPoint, MountOptions options, Consumer<String> log)
      throws IOException {
    Path mp = mountPoint.toAbsolutePath().normalize();
    MountTable.prepareMountPoint(mp, log);
    String[] argv = {"casfs", "-f", "-o", options.fuseOptionString(), mp.toString()};
    PointerByReference mpRef = new PointerByReference();
    IntByReference mt = new IntByReference();
    var ops = fs.operations();
    Pointer fuse = lib.fuse_setup(argv.length, argv, ops, Struct.size(ops), mpRef, mt, null);
    if (fuse == null) {
      throw new MountException("the kernel refused to mount " + mp + " (see libfuse's message above)");
    }
    FuseMount m = new FuseMount(mp, fs, fuse, mpRef.getValue(), options.threads(), log);
    m.checkAnswers();
    return m;
  }

  /**
   * One request thread. The threads take turns at {@code /dev/fuse} (leader/followers): the one
   * holding {@link #receiving} reads the next request, and keeps reading after answering it as
   * long as the requests are quick ones ({@link FuseOpcodes#usuallyQuick}: metadata, opens, reads;
   * and small writes and setattrs that leave the size alone: {@link FuseOpcodes#quickByContent});
   * before any other (a create, a rename, a large write, a truncate that copies a file into the
   * transaction), it hands the device to the next thread. A run of quick requests is thus served by
   * one warm thread, as single-threaded dispatch would, instead of waking a different thread for
   * each, while the kernel's next request (a release, another process's) is read as soon as a slow
   * one starts. Writes, setattrs, opens and reads joined the quick ones on measurement: `tar -x` of
   * /usr/share/doc (5,133 entries; one WRITE per write(2), ~4.6 KB each, and three SETATTRs a file)
   * took 2.15-2.31 s instead of 3.42-3.76 s (tools/bench/writable-tar.sh, alternating,
   * docs/BENCHMARKS.md). A large file's first write copies it into the transaction, which is slow,
   * but the transaction serves one request at a time anyway, so no other request could be served
   * meanwhile.
   */
  private void serve(Pointer channel, long bufSize) {
    Runtime rt = Runtime.getSystemRuntime();
    Pointer fbuf = Memory.allocateDirect(rt, FUSE_BUF_STRUCT, true);
    Pointer mem = Memory.allocateDirect(rt, (int) bufSize);
    Worker self = (Worker) Thread.currentThread();
    try {
      while (lib.fuse_session_exited(session) == 0) {
        if (!self.leading) {
          receiving.lock();
          self.leading = true;
          if (lib.fuse_session_exited(session) != 0) {
            break; // ended while this thread waited for its turn
          }
        }
        // struct fuse_buf { size_t size; int flags; void *mem; int fd; off_t pos; }
        fbuf.putLong(0, bufSize);
        fbuf.putInt(8, 0);
        fbuf.putAddress(16, mem.address());
        fbuf.putInt(24, 0);
        fbuf.putLong(32, 0);
        PointerByReference chp = new PointerByReference(channel);
        int res = lib.fuse_session_receive_buf(session, fbuf, chp);
        if (res == -Errno.EINTR) {
          continue;
        }
        if (res <= 0) {
          if (res < 0) {
            lib.fuse_session_exit(session);
          }
          break;
        }
        int opcode = 0;
        if ((fbuf.getInt(8) & FUSE_BUF_IS_FD) == 0) {
          // struct fuse_in_header { u32 len; u32 opcode; u64 unique; u64 nodeid; ... }
          opcode = mem.getInt(4);
          counted(opcode);
        }
        if (!FuseOpcodes.usuallyQuick(opcode) && !FuseOpcodes.quickByContent(opcode, mem)) {
          handOffReceiving();
        }
        lib.fuse_session_process_buf(session, fbuf, chp.getValue());
      }
    } catch (Throwable t) {
      log.accept("casfs: request thread died: " + t);
    } finally {
      handOffReceiving();
      threadEnded();
    }
  }

  /** Lets the next request thread read {@code /dev/fuse}, if the calling thread was to read next. */
  private static void handOffReceiving() {
    if (Thread.currentThread() instanceof Worker w && w.leading) {
      w.leading = false;
      w.mount.receiving.unlock();
    }
  }

  @Override
  void release() {
    lib.fuse_teardown(fuse, mountPointPtr);
    fs.unmounted();
  }
}
