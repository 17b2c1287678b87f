package org.casfs.sync.peer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;
import org.casfs.cas.ObjectId;
import org.casfs.cas.Sizes;
import org.casfs.sync.trust.Head;

/**
 * How a peer makes room for its updates with gc ({@link Housekeeping}): after each update the
 * versions it left behind beyond what gc keeps go, and an update refused for lack of space gets one
 * gc, and one line, per version (gc frees at once what it can), however often the pull is tried
 * again. If that gc freed anything, the pull goes on at once, keeping what it stored.
 */
final class UpdateRoom {
  private final String channel;
  private final Path repoDir;
  private final Consumer<String> log;
  private final Runnable pullAgain;
  private volatile Housekeeping housekeeping = Housekeeping.NONE;
  /** The version last refused for lack of space. Used by the update thread only. */
  private ObjectId noRoomFor;

  UpdateRoom(String channel, Path repoDir, Consumer<String> log, Runnable pullAgain) {
    this.channel = channel;
    this.repoDir = repoDir;
    this.log = log;
    this.pullAgain = pullAgain;
  }

  void housekeeping(Housekeeping h) {
    this.housekeeping = Objects.requireNonNull(h, "housekeeping");
  }

  /** An update landed: gc what it left behind; a later refusal for lack of space is told again. */
  void afterUpdate() {
    noRoomFor = null;
    Housekeeping.Outcome o = collect();
    if (o != null && (o.versionsRemoved() > 0 || o.freedAny())) {
      log.accept("gc after the update: " + removed(o));
    }
  }

  /** Whether {@code head} was refused for lack of space before (and so told, and collected for). */
  boolean refusedBefore(Head head) {
    return head.manifestId().equals(noRoomFor);
  }

  /** The first refusal of {@code head} for lack of space: gc for it, and pull again if that freed anything. */
  void makeRoomFor(Head head) {
    noRoomFor = head.manifestId();
    if (housekeeping == Housekeeping.NONE) {
      return;
    }
    Housekeeping.Outcome o = collect();
    if (o == null) {
      return;
    }
    String what = "no room for " + channel + "#" + head.sequence() + ": ";
    if (o.freedAny()) {
      log.accept(what + "gc " + removed(o) + "; pulling again");
      pullAgain.run();
    } else {
      log.accept(what + "gc found nothing to remove; free space on " + repoDir + "'s disk or keep fewer"
          + " versions ('keep' in " + repoDir.resolve("config") + "); the pull is tried again every poll"
          + " meanwhile, without a line each time ('casfs status' shows why it waits)");
    }
  }

  private Housekeeping.Outcome collect() {
    try {
      return housekeeping.collect();
    } catch (IOException | RuntimeException e) {
      log.accept("gc failed: " + e.getMessage() + "; run 'casfs gc' to see it again, and 'casfs fsck'");
      return null;
    }
  }

  private static String removed(Housekeeping.Outcome o) {
    int n = o.versionsRemoved();
    return "removed " + n + " old version" + (n == 1 ? "" : "s") + ", freed " + Sizes.bytes(o.bytesFreed());
  }
}
