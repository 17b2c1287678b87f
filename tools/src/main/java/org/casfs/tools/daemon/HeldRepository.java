package org.casfs.tools.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.casfs.cas.ObjectId;
import org.casfs.tools.OpenRepo;

/**
 * The repository this process holds open as a daemon ({@code casfs mount}, {@code peer}, {@code serve}),
 * so that commands it runs for clients use it instead of opening the directory (which the
 * repository's lock would refuse). One per process; thread-safe.
 */
public final class HeldRepository {
  private static volatile OpenRepo held;
  private static volatile Path heldDir;
  private static final List<Supplier<Collection<ObjectId>>> inUse = new CopyOnWriteArrayList<>();

  private HeldRepository() {}

  /** Makes {@code open} the process's held repository until the returned handle is closed. */
  public static synchronized AutoCloseable hold(OpenRepo open) throws IOException {
    if (held != null) {
      throw new IllegalStateException("this process already holds " + heldDir);
    }
    Path dir = open.repo().dir().toRealPath();
    held = open;
    heldDir = dir;
    return () -> {
      synchronized (HeldRepository.class) {
        if (held == open) {
          held = null;
          heldDir = null;
          inUse.clear();
        }
      }
    };
  }

  /** A view of the held repository if {@code dir} names it (closing the view leaves it open), else null. */
  public static OpenRepo borrowOrNull(Path dir) {
    OpenRepo open = held;
    Path mine = heldDir;
    if (open == null || !sameDirectory(dir, mine)) {
      return null;
    }
    return open.borrowed();
  }

  /**
   * Registers objects this process uses (a mount: the version it shows, which a pinned mount may
   * show long after refs and the newest-N rule stopped keeping it, and the blobs and trees of the
   * files its users still have open): {@code casfs gc} run through this process keeps what they
   * reach while the repository is held. The supplier is asked at each gc.
   */
  public static void keepInUse(Supplier<Collection<ObjectId>> objects) {
    inUse.add(objects);
  }

  /** The objects this process uses, if it holds the repository {@code dir}; else none. */
  public static List<ObjectId> objectsInUse(Path dir) {
    if (!holds(dir)) {
      return List.of();
    }
    List<ObjectId> ids = new ArrayList<>();
    for (Supplier<Collection<ObjectId>> s : inUse) {
      ids.addAll(s.get());
    }
    return ids;
  }

  /** True if this process holds the repository {@code dir}. */
  public static boolean holds(Path dir) {
    Path mine = heldDir;
    return mine != null && sameDirectory(dir, mine);
  }

  private static boolean sameDirectory(Path dir, Path realDir) {
    if (realDir == null) {
      return false;
    }
    try {
      return Files.exists(dir) && dir.toRealPath().equals(realDir);
    } catch (IOException e) {
      return false;
    }
  }
}
