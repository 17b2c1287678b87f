package org.casfs.sync.delta;

import java.io.IOException;
import org.casfs.cas.Entry;
import org.casfs.cas.ObjectId;
import org.casfs.sync.server.FetchHook;
import org.casfs.sync.wire.FetchRequest;
import org.casfs.sync.wire.FrameHeader;
import org.casfs.sync.wire.FrameWriter;

/**
 * Puts a delta frame ({@link #FRAME_TYPE}) in a fetch stream instead of a whole blob when the
 * client's version holds an old blob for the same file: the one at the same path, or, for files
 * at new paths, the one {@link ChangedFiles} pairs by the rename heuristic. The frame header
 * names the new blob (hashes) and the payload's length; the payload is a whole delta (header +
 * body). Only clients whose request says {@code accept 16} get deltas: an older client, which would
 * fail on an unknown frame type, gets whole blobs. Trees the client's version holds at the same
 * path go as tree deltas ({@link TreeDeltas#FRAME_TYPE}) to clients that accept those. Thread-safe.
 */
public final class DeltaFetchHook implements FetchHook {
  /** The frame type of a delta in a fetch stream. */
  public static final int FRAME_TYPE = FrameHeader.FIRST_EXTENSION;

  private final DeltaService deltas;

  public DeltaFetchHook(DeltaService deltas) {
    this.deltas = deltas;
  }

  @Override
  public boolean sendInstead(Entry blob, Entry oldEntryOrNull, FetchRequest request, FrameWriter out)
      throws IOException {
    if (!request.accepts(FRAME_TYPE)) {
      return false;
    }
    ObjectId oldId = null;
    if (oldEntryOrNull != null && oldEntryOrNull.isRegular() && !oldEntryOrNull.childId().equals(blob.childId())) {
      oldId = oldEntryOrNull.childId();
    } else if (oldEntryOrNull == null && !request.haveVersions().isEmpty()) {
      try {
        oldId = deltas.pairedOldOrNull(request.haveVersions().get(0), request.want(), blob.childId());
      } catch (IOException e) {
        oldId = null; // the client's version is not (all) here: no rename pairing, send whole
      }
    }
    if (oldId == null) {
      return false;
    }
    byte[] delta = deltas.deltaOrNull(oldId, blob.childId());
    if (delta == null) {
      return false;
    }
    out.frame(new FrameHeader(FRAME_TYPE, blob.child(), delta.length), delta);
    return true;
  }

  /** A tree the client's version has at the same path goes as a {@link TreeDeltas tree delta}. */
  @Override
  public boolean sendTreeInstead(ObjectId tree, ObjectId oldTreeOrNull, FetchRequest request, FrameWriter out)
      throws IOException {
    if (oldTreeOrNull == null || !request.accepts(TreeDeltas.FRAME_TYPE)) {
      return false;
    }
    DeltaService.TreeDelta d = deltas.treeDeltaOrNull(oldTreeOrNull, tree);
    if (d == null) {
      return false;
    }
    out.frame(new FrameHeader(TreeDeltas.FRAME_TYPE, d.newTree(), d.payload().length), d.payload());
    return true;
  }
}
