package org.casfs.sync.delta;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.casfs.cas.ObjectType;
import org.casfs.cas.store.ObjectReader;
import org.casfs.sync.pull.ExtensionFrameDecoder;
import org.casfs.sync.wire.FrameHeader;

/**
 * The puller's side of tree deltas ({@link TreeDeltas}): reads the payload (bounded), rebuilds the
 * tree from the old tree in the local store and returns its verified bytes; the puller then checks
 * them against the parent's entry and decodes them strictly, as for a whole tree. A delta it
 * cannot use is a {@link CorruptDeltaException} (the puller fetches that tree whole). Stateless,
 * thread-safe.
 */
public final class TreeDeltaFrameDecoder implements ExtensionFrameDecoder {
  @Override
  public int type() {
    return TreeDeltas.FRAME_TYPE;
  }

  @Override
  public ObjectType rebuilds() {
    return ObjectType.TREE;
  }

  @Override
  public InputStream decode(FrameHeader header, long expectedSize, InputStream payload, ObjectReader local)
      throws IOException {
    if (header.size() > TreeDeltas.MAX_PAYLOAD) {
      throw new CorruptDeltaException("for tree " + header.id(), header.id(), "its frame declares " + header.size()
          + " bytes");
    }
    byte[] bytes = payload.readNBytes((int) header.size());
    if (bytes.length != header.size()) {
      throw new CorruptDeltaException("for tree " + header.id(), header.id(), "the stream ended inside it");
    }
    return new ByteArrayInputStream(TreeDeltas.apply(header.hashes(), bytes, local));
  }
}
