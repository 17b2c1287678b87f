package org.casfs.sync.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.casfs.cas.MissingObjectException;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.ObjectInfo;
import org.casfs.sync.wire.FetchRequest;
import org.casfs.sync.wire.FrameHeader;
import org.casfs.sync.wire.FrameWriter;

/**
 * Writes the frames of one fetch stream for a plan: the manifest, every missing tree (parent
 * first), every missing blob, then the objects asked for by id, and the end frame. A
 * {@link FetchHook} may send a tree or blob otherwise (a delta, to a client that reads it);
 * everything else goes whole, read through the store's verifying reads. A stored blob found damaged
 * still fills its frame (with zeros where it could not be read), the stream goes on, and
 * {@link #write} throws at the end. One per stream.
 */
final class FetchStreamWriter {
  /** Streams whose blobs come to less than this are updates: compressed harder ({@link #zstdLevel}). */
  private static final long SMALL_STREAM = 32L << 20;

  private final ObjectDatabase db;
  private final List<FetchHook> hooks;
  /** The first stored object that could not be read whole ({@link FrameWriter#frameFillingGaps}). */
  private IOException damaged;

  FetchStreamWriter(ObjectDatabase db, List<FetchHook> hooks) {
    this.db = db;
    this.hooks = hooks;
  }

  /**
   * Small streams (updates) are compressed harder: at 9 zstd still runs far faster than the
   * link, and an update is where bytes matter most; whole versions use the configured level.
   */
  static int zstdLevel(FetchPlanner.Plan plan, int configured) {
    long bytes = 0;
    for (FetchPlanner.BlobItem b : plan.blobs()) {
      bytes += b.entry().size();
    }
    return bytes < SMALL_STREAM ? Math.max(configured, 9) : configured;
  }

  void write(FetchPlanner.Plan plan, FetchRequest req, OutputStream out) throws IOException {
    try {
      writeFrames(plan, req, out);
    } catch (IOException e) {
      if (damaged != null && e != damaged) {
        // The client refused the damaged object and went away: what the owner must hear is the damage.
        damaged.addSuppressed(e);
        throw damaged;
      }
      throw e;
    }
    if (damaged != null) {
      // The stream went out whole; the client refuses the damaged object. Throwing now keeps the
      // stream out of the fetch stream cache and tells the server's owner (ServerProblems).
      throw damaged;
    }
  }

  private void writeFrames(FetchPlanner.Plan plan, FetchRequest req, OutputStream out) throws IOException {
    FrameWriter w = new FrameWriter(out);
    if (plan.manifestOrNull() != null) {
      w.frame(frameOf(FrameHeader.MANIFEST, plan.manifestOrNull()), db.store().read(plan.manifestOrNull()));
    }
    for (ObjectId t : plan.trees()) {
      if (!treeSentByHook(t, plan.oldTrees().get(t), req, w)) {
        w.frame(frameOf(FrameHeader.TREE, t), db.store().read(t));
      }
    }
    for (FetchPlanner.BlobItem b : plan.blobs()) {
      if (!sentByHook(b, req, w)) {
        sendWhole(w, FrameHeader.BLOB, b.entry().childId());
      }
    }
    for (ObjectId id : plan.exact()) {
      ObjectInfo info = db.store().statOrNull(id);
      sendWhole(w, info.type() == ObjectType.BLOB ? FrameHeader.BLOB
          : info.type() == ObjectType.TREE ? FrameHeader.TREE : FrameHeader.MANIFEST, id);
    }
    w.end();
  }

  private boolean sentByHook(FetchPlanner.BlobItem b, FetchRequest req, FrameWriter w) throws IOException {
    for (FetchHook hook : hooks) {
      if (hook.sendInstead(b.entry(), b.oldEntryOrNull(), req, w)) {
        return true;
      }
    }
    return false;
  }

  private boolean treeSentByHook(ObjectId tree, ObjectId oldTreeOrNull, FetchRequest req, FrameWriter w)
      throws IOException {
    for (FetchHook hook : hooks) {
      if (hook.sendTreeInstead(tree, oldTreeOrNull, req, w)) {
        return true;
      }
    }
    return false;
  }

  private FrameHeader frameOf(int type, ObjectId id) throws IOException {
    ObjectInfo info = db.store().statOrNull(id);
    if (info == null) {
      throw new MissingObjectException(id, "object");
    }
    return new FrameHeader(type, info.hashes(), info.size());
  }

  private void sendWhole(FrameWriter w, int type, ObjectId id) throws IOException {
    FrameHeader h = frameOf(type, id);
    IOException failure = null;
    InputStream stored;
    try {
      stored = UnreadableObjects.reporting(id, db.store().open(id));
    } catch (IOException e) { // its loose file gone or unreadable: the frame is all zeros
      stored = InputStream.nullInputStream();
      failure = UnreadableObjects.naming(id, e);
    }
    try (InputStream in = stored) {
      IOException gap = w.frameFillingGaps(h, in);
      failure = failure != null ? failure : gap;
    }
    damaged = damaged != null ? damaged : failure;
  }
}
