package org.casfs.sync.delta;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.store.MemoryObjectStore;
import org.casfs.cas.store.ObjectInfo;

/**
 * Fuzz target for applying deltas from an untrusted peer to a blob this machine holds. Input:
 * engine (1 byte: bsdiff, zstd, a magicless zstd frame, a tree delta), the old blob's length (2
 * bytes) and bytes, the new blob's length (4 bytes, at most 1 MiB here), then the delta body. An
 * engine may only write exactly the promised length or throw {@link DeltaFormatException} (or
 * {@link org.casfs.sync.delta.CorruptDeltaException} for a tree); anything else (another
 * exception, running out of memory, not ending) is a finding.
 */
public final class DeltaApplyFuzzTarget {
  private DeltaApplyFuzzTarget() {}

  public static void fuzzerTestOneInput(byte[] input) throws IOException {
    if (input.length < 7) {
      return;
    }
    ByteBuffer in = ByteBuffer.wrap(input);
    int engine = (in.get() & 0xff) % 4;
    FuzzedDelta d = FuzzedDelta.readOrNull(in);
    if (d == null) {
      return;
    }
    byte[] old = d.old();
    int newSize = d.newSize();
    byte[] body = d.body();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      switch (engine) {
        case 0 -> new BsdiffDelta(BsdiffDelta.LIMIT).apply(BlobSource.of(old), new ByteArrayInputStream(body), newSize, out);
        case 1 -> new ZstdDelta(3).apply(BlobSource.of(old), new ByteArrayInputStream(body), newSize, out);
        case 2 -> out.write(MagiclessFrames.decode(old, body, newSize, "fuzzed frame"));
        default -> applyTreeDelta(old, body);
      }
      if (engine < 3 && out.size() != newSize) {
        throw new AssertionError("applied to " + out.size() + " bytes, not the " + newSize + " promised");
      }
    } catch (DeltaFormatException | CorruptDeltaException e) {
      // rejected, as it should be
    }
  }

  /** The old bytes stored as a tree, the body a tree delta's payload after the old tree's id. */
  private static void applyTreeDelta(byte[] oldTree, byte[] body) throws IOException {
    MemoryObjectStore local = new MemoryObjectStore();
    ObjectInfo old = local.insert(ObjectType.TREE, oldTree);
    byte[] payload = new byte[ObjectId.LENGTH + body.length];
    System.arraycopy(old.id().toRaw(), 0, payload, 0, ObjectId.LENGTH);
    System.arraycopy(body, 0, payload, ObjectId.LENGTH, body.length);
    TreeDeltas.apply(Hashes.of(oldTree), payload, local);
  }
}
