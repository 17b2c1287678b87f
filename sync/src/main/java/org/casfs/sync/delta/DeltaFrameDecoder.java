package org.casfs.sync.delta;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.ObjectInfo;
import org.casfs.cas.store.ObjectReader;
import org.casfs.sync.pull.ExtensionFrameDecoder;
import org.casfs.sync.pull.PerObjectDeltas;
import org.casfs.sync.wire.FrameHeader;

/**
 * The puller's side of {@link DeltaFetchHook}: reads a delta frame (at most
 * {@link DeltaService#MAX_DELTA_BYTES}), applies it to the old blob in the local store and returns
 * the verified new blob (in memory up to {@link #IN_MEMORY}, else from a temporary file in
 * {@code tmpDir} deleted on close). Deltas, old blobs and new blobs over {@link #IN_MEMORY} go
 * through files: a laptop's daemon (160 MiB of heap) that applied an update of three 60 MiB
 * files held old and new blobs whole and ran out of heap, and its update loop ended. Verified
 * deltas are kept in the {@link DeltaStore}, if one is given, so this machine can serve them to
 * its neighbours (in memory during the pull, on disk after it: {@link #pullEnded}). A delta that is malformed, names
 * other blobs, needs an old blob this machine lacks, or does not reproduce the blob is a
 * {@link CorruptDeltaException}. Also the puller's {@link PerObjectDeltas}: deltas a static mirror
 * publishes ({@code casfs mirror} writes them) are applied the same way. Thread-safe.
 */
public final class DeltaFrameDecoder implements ExtensionFrameDecoder, PerObjectDeltas {
  /** Blobs and deltas up to this size are handled in memory, larger ones through files. */
  static final int IN_MEMORY = 8 << 20;

  private final Path tmpDir;
  private final DeltaStore keepOrNull;

  public DeltaFrameDecoder(Path tmpDir, DeltaStore keepOrNull) {
    this.tmpDir = tmpDir;
    this.keepOrNull = keepOrNull;
  }

  @Override
  public int type() {
    return DeltaFetchHook.FRAME_TYPE;
  }

  /** Same path, then the rename heuristic ({@link ChangedFiles}), as the origin pairs them. */
  @Override
  public Map<ObjectId, ObjectId> bases(ObjectDatabase db, ObjectId oldVersion, ObjectId newVersion) throws IOException {
    Map<ObjectId, ObjectId> bases = new HashMap<>();
    for (FilePair p : new ChangedFiles(db).between(oldVersion, newVersion).pairs()) {
      bases.put(p.newBlob().id(), p.oldBlob().id());
    }
    return bases;
  }

  /** A delta file from a static mirror: the same checks as a delta frame. */
  @Override
  public InputStream rebuild(Hashes newBlob, long size, byte[] delta, ObjectReader local) throws IOException {
    return decode(new FrameHeader(type(), newBlob, delta.length), size, new ByteArrayInputStream(delta), local);
  }

  /** A tree-delta file from a static mirror ({@link TreeDeltas} payload). */
  @Override
  public byte[] rebuildTree(Hashes tree, byte[] delta, ObjectReader local) throws IOException {
    return TreeDeltas.apply(tree, delta, local);
  }

  @Override
  public InputStream decode(FrameHeader header, long expectedSize, InputStream payload, ObjectReader local)
      throws IOException {
    String claimed = header.id().name();
    if (header.size() > DeltaService.MAX_DELTA_BYTES || header.size() < DeltaHeader.LENGTH) {
      throw new CorruptDeltaException("for " + claimed, header.id(), "its frame declares " + header.size() + " bytes");
    }
    if (header.size() <= IN_MEMORY) {
      byte[] delta = payload.readNBytes((int) header.size());
      if (delta.length != header.size()) {
        throw new CorruptDeltaException("for " + claimed, header.id(), "the stream ended inside it");
      }
      InputStream result = apply(header, expectedSize, () -> new ByteArrayInputStream(delta), local);
      if (keepOrNull != null) {
        keepOrNull.keep(delta);
      }
      return result;
    }
    Files.createDirectories(tmpDir);
    Path spooled = Files.createTempFile(tmpDir, "delta-", ".delta");
    try {
      try (OutputStream out = Files.newOutputStream(spooled)) {
        byte[] buf = new byte[64 << 10];
        for (long left = header.size(); left > 0; ) {
          int n = payload.read(buf, 0, (int) Math.min(buf.length, left));
          if (n < 0) {
            throw new CorruptDeltaException("for " + claimed, header.id(), "the stream ended inside it");
          }
          out.write(buf, 0, n);
          left -= n;
        }
      }
      InputStream result = apply(header, expectedSize, () -> Files.newInputStream(spooled), local);
      if (keepOrNull != null) {
        keepOrNull.putFile(spooled);
      }
      return result;
    } finally {
      Files.deleteIfExists(spooled);
    }
  }

  private interface DeltaBytes {
    InputStream open() throws IOException;
  }

  /** Checks the delta's header against the frame's and rebuilds the blob from the old one here. */
  private InputStream apply(FrameHeader header, long expectedSize, DeltaBytes delta, ObjectReader local)
      throws IOException {
    String claimed = header.id().name();
    DeltaHeader h;
    try (InputStream in = delta.open()) {
      h = DeltaHeader.read(in);
    } catch (DeltaFormatException e) {
      throw new CorruptDeltaException("for " + claimed, header.id(), e.getMessage());
    }
    if (!h.newBlob().equals(header.hashes())) {
      throw new CorruptDeltaException(h.name(), header.id(), "it rebuilds " + h.newId() + ", not the framed blob");
    }
    if (h.newSize() != expectedSize) {
      throw new CorruptDeltaException(h.name(), header.id(), "it would rebuild " + h.newSize()
          + " bytes, and the signed tree says " + expectedSize);
    }
    ObjectInfo old = local.statOrNull(h.oldId());
    if (old == null) {
      throw new CorruptDeltaException(h.name(), header.id(), "this machine lacks its old blob " + h.oldId());
    }
    try (BlobSource oldBlob = BlobSources.open(local, h.oldId(), old.size(), IN_MEMORY); InputStream in = delta.open()) {
      if (h.newSize() <= IN_MEMORY) {
        // hashed as it is rebuilt; the store takes it with those hashes (HashedBytes.Stream)
        return Deltas.applyInMemory(in, h.oldId(), h.newBlob(), oldBlob, (int) h.newSize()).stream();
      }
      Files.createDirectories(tmpDir);
      Path tmp = Files.createTempFile(tmpDir, "delta-", ".blob");
      try {
        try (OutputStream out = Files.newOutputStream(tmp)) {
          Deltas.apply(in, h.oldId(), h.newBlob(), oldBlob, out);
        }
        return Files.newInputStream(tmp, StandardOpenOption.DELETE_ON_CLOSE);
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(tmp);
        throw e;
      }
    }
  }

  /** The kept deltas go to disk in the background, after the pull rather than during it. */
  @Override
  public void pullEnded() {
    if (keepOrNull != null) {
      keepOrNull.writeKeptLater();
    }
  }
}
