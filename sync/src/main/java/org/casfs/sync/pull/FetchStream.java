package org.casfs.sync.pull;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.casfs.cas.CorruptObjectException;
import org.casfs.cas.Hashes;
import org.casfs.cas.Manifest;
import org.casfs.cas.ObjectException;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.Tree;
import org.casfs.cas.store.ObjectInfo;
import org.casfs.sync.trust.Head;
import org.casfs.sync.trust.SignatureException;
import org.casfs.sync.wire.FetchRequest;
import org.casfs.sync.wire.FrameHeader;
import org.casfs.sync.wire.FrameReader;
import org.casfs.sync.wire.WireException;

/**
 * One fetch stream of a pull: a single request names the version, the versions this machine holds
 * complete and the objects it has, and the source answers with the manifest, the trees and the
 * blobs (or deltas) missing, in that order. Each object is checked against what names it before it
 * is stored; a tree that does not decode strictly is refused before it is written; before the first
 * blob the exact bytes still needed are known and checked against the free disk. Blobs are verified
 * and stored on writer threads while the stream goes on.
 */
final class FetchStream {
  private final PullParts p;

  FetchStream(PullParts p) {
    this.p = p;
  }

  /**
   * Threads that verify and store the stream's blobs: one per core. Since loose blobs are made
   * durable together at the end ({@code flush}), not one by one, storing is CPU work, and more
   * threads than cores only take turns on them (docs/BENCHMARKS.md).
   */
  private int writerThreads() {
    return Math.max(1, Math.min(p.config().parallelGets(), Runtime.getRuntime().availableProcessors()));
  }

  /**
   * {@link #read}, but a stream that began and broke before it delivered a single object (its
   * first blob longer than a flaky link stays up) is not the end of the round: the rest comes object
   * by object from the same source, short requests that such a link lets through. Null then, as
   * for a source that cannot stream. A stream that broke after delivering something ends the round
   * (the next one asks for what is still missing, in one stream again); a source that cannot be
   * reached, answers wrongly, too slowly or lacks the version fails as before.
   */
  Inventory readOrNullIfBroken(Source s, Head head, Inventory inv, PullRun run) throws IOException {
    long objectsBefore = run.objectsDone();
    long bytesBefore = s.bytesReceived();
    try {
      return read(s, head, inv, run);
    } catch (ObjectException | WireException | SlowSourceException | SignatureException | PullException
        | FileNotFoundException e) {
      throw e;
    } catch (IOException e) {
      if (run.objectsDone() > objectsBefore || s.bytesReceived() == bytesBefore) {
        throw e; // it delivered something (the next round streams again), or never began
      }
      p.listener().note(s.name() + ": the fetch stream broke before its first object (" + e.getMessage()
          + "); fetching object by object");
      return null;
    }
  }

  /**
   * Reads one fetch stream from {@code s}; returns the inventory taken once every tree was in (the
   * blobs then needed), or null if the stream did not bring every tree.
   */
  private Inventory read(Source s, Head head, Inventory inv, PullRun run) throws IOException {
    List<ObjectId> versions = new ArrayList<>(p.refs().completeVersions());
    // Blobs whose prefix is held are left out of the stream ('have'): fetched after it, by range.
    List<ObjectId> have = new ArrayList<>(inv.present);
    for (ObjectId id : p.partials().ids()) {
      Inventory.Need n = inv.missingBlobs.get(id);
      if (n != null && p.partials().heldBytes(id, n.size()) > 0) {
        have.add(id);
      }
    }
    FetchRequest req = new FetchRequest(head.manifestId(), versions, have, List.of(),
        List.copyOf(new TreeSet<>(p.decoders().keySet())));
    InputStream in = s.openFetchOrNull(req);
    if (in == null) {
      return null;
    }
    try (in; BlobWriters writers = new BlobWriters(writerThreads(), 4L << 20)) {
      FrameReader r = new FrameReader(in);
      Map<ObjectId, Hashes> expectedTrees = new HashMap<>(inv.missingTrees);
      Inventory blobs = null;
      FrameHeader h;
      while ((h = r.next()) != null) {
        if (h.type() == FrameHeader.MANIFEST) {
          if (!h.id().equals(head.manifestId()) || h.size() > PullParts.MAX_MANIFEST_BYTES) {
            throw new WireException(s.name() + " sent manifest " + h.id() + " (" + h.size()
                + " bytes) where the signed head names " + head.manifestId());
          }
          byte[] bytes = readExactly(r, h);
          if (p.db().store().contains(h.id())) {
            continue;
          }
          Manifest m = p.checked().manifest(head, bytes);
          run.stored(bytes.length);
          if (!p.db().store().contains(m.rootId())) {
            expectedTrees.put(m.rootId(), m.root());
          }
        } else if (h.type() == FrameHeader.TREE || rebuildsTree(h.type())) {
          Hashes expected = expectedTrees.remove(h.id());
          if (expected == null) {
            if (p.db().store().contains(h.id())) {
              skipHeld(s, r, h);
              continue;
            }
            throw new WireException(s.name() + " sent tree " + h.id() + " that no tree received so far names");
          }
          byte[] bytes;
          if (h.type() == FrameHeader.TREE) {
            if (h.size() > PullParts.MAX_TREE_BYTES) {
              throw TreeBytes.tooLarge(s.name(), h.id(), String.valueOf(h.size()));
            }
            bytes = readExactly(r, h);
          } else {
            bytes = treeFromExtension(s, h, r, expected);
          }
          Tree t = p.checked().tree(expected, bytes);
          run.stored(bytes.length);
          for (var e : t.entries()) {
            if (e.isDirectory() && !p.db().store().contains(e.childId())) {
              expectedTrees.put(e.childId(), e.child());
            }
          }
          if (expectedTrees.isEmpty() && blobs == null) {
            // Every tree is in: the exact bytes still needed are known; check the disk first.
            blobs = blobsNeeded(head, run);
          }
        } else {
          if (blobs == null) {
            blobs = blobsNeeded(head, run);
          }
          Inventory.Need need = blobs.missingBlobs.get(h.id());
          if (need == null) {
            if (p.db().store().contains(h.id())) {
              skipHeld(s, r, h);
              continue;
            }
            throw new WireException(s.name() + " sent object " + h.id() + " that the version does not need");
          }
          if (h.type() == FrameHeader.BLOB) {
            if (h.size() != need.size()) {
              throw new CorruptObjectException(h.id(), s.name() + " declares " + h.size()
                  + " bytes where the tree entry says " + need.size() + "; refusing it");
            }
            if (need.size() <= BlobWriters.MAX_PIPELINED) {
              writers.reserve(need.size());
              byte[] bytes = readExactly(r, h);
              Inventory.Need n = need;
              writers.submit(need.size(), () -> {
                p.checked().blob(n, bytes);
                run.stored(n.size());
              });
              continue;
            }
            p.storeKeepingPrefix(need, r.payload());
          } else {
            ExtensionFrameDecoder d = p.decoders().get(h.type());
            if (d == null) {
              throw new WireException(s.name() + " sent frame type " + h.type() + ", which this casfs does not read");
            }
            if (h.size() <= BlobWriters.MAX_PIPELINED && need.size() <= BlobWriters.MAX_REBUILT) {
              // Deltas (all of a usual update) are applied on the writer threads, several at once,
              // while the stream goes on; each is verified there as below.
              long held = h.size() + Math.min(need.size(), BlobWriters.MAX_PIPELINED);
              writers.reserve(held);
              byte[] payload = readExactly(r, h);
              Inventory.Need n = need;
              FrameHeader fh = h;
              writers.submit(held, () -> applyAndStore(s, d, fh, payload, n, run));
              continue;
            }
            InputStream blob;
            try {
              blob = d.decode(h, need.size(), r.payload(), p.db().store());
            } catch (ObjectException e) {
              // An unusable frame (a corrupt delta, one for an old blob this machine lacks): the
              // blob stays missing and is fetched whole after the stream; the source stays.
              r.skipPayload();
              p.listener().note(s.name() + ": " + e.getMessage());
              continue;
            }
            try (blob) {
              p.checked().blob(need, blob);
            }
            r.skipPayload();
          }
          run.stored(need.size());
        }
      }
      // Wait for the stores in flight even after a clean end: anything still missing is then
      // fetched one by one.
      writers.finish();
      return blobs;
    }
  }

  /** Rebuilds a blob from an extension frame read whole and stores it; an unusable frame is a note. */
  private void applyAndStore(Source s, ExtensionFrameDecoder d, FrameHeader h, byte[] payload, Inventory.Need need,
      PullRun run) throws IOException {
    InputStream blob;
    try {
      blob = d.decode(h, need.size(), new ByteArrayInputStream(payload), p.db().store());
    } catch (ObjectException e) {
      // As in the stream: the blob stays missing and is fetched whole after the stream.
      p.listener().note(s.name() + ": " + e.getMessage());
      return;
    }
    try (blob) {
      p.checked().blob(need, blob);
    }
    run.stored(need.size());
  }

  /** A delta frame for a held object may exceed the object by this much (a delta's header and framing). */
  static final int HELD_DELTA_SLACK = 64 << 10;

  /**
   * Skips the frame of an object this machine holds already (sent twice, or stored meanwhile), if
   * it declares what that object can take: a whole object exactly its size, a delta at most its
   * size and {@link #HELD_DELTA_SLACK}. Anything more is a lie, and the source is dropped: a
   * frame for a held tree declaring 2^62 bytes was skipped byte by byte, zeros that zstd makes
   * free to send and that pass the rate floor, and the pull never ended.
   */
  private void skipHeld(Source s, FrameReader r, FrameHeader h) throws IOException {
    ObjectInfo held = p.db().store().statOrNull(h.id());
    long size = held == null ? 0 : held.size();
    boolean whole = h.type() == FrameHeader.TREE || h.type() == FrameHeader.BLOB;
    if (whole ? h.size() != size : h.size() > size + HELD_DELTA_SLACK) {
      throw new WireException(s.name() + " sent " + (held == null ? "object" : held.type().name().toLowerCase(
          java.util.Locale.ROOT)) + " " + h.id() + ", which this machine holds (" + size + " bytes), in a frame of "
          + h.size() + " bytes: the source is lying; dropping it");
    }
    r.skipPayload();
  }

  private boolean rebuildsTree(int frameType) {
    ExtensionFrameDecoder d = p.decoders().get(frameType);
    return d != null && d.rebuilds() == ObjectType.TREE;
  }

  /**
   * A tree from an extension frame (a tree delta). One the decoder cannot use is fetched whole
   * from the same source at once (its subtrees and blobs follow in the stream and need it); the
   * bytes are verified by {@link CheckedWrites#tree} either way.
   */
  private byte[] treeFromExtension(Source s, FrameHeader h, FrameReader r, Hashes expected) throws IOException {
    ExtensionFrameDecoder d = p.decoders().get(h.type());
    try (InputStream in = d.decode(h, PullParts.MAX_TREE_BYTES, r.payload(), p.db().store())) {
      byte[] bytes = in.readNBytes(PullParts.MAX_TREE_BYTES + 1);
      r.skipPayload();
      return bytes;
    } catch (ObjectException e) {
      r.skipPayload();
      p.listener().note(s.name() + ": " + e.getMessage());
      byte[][] whole = new byte[1][];
      try (InputStream in = s.openObject(expected.id(), 0)) {
        p.trees().read(s.name(), expected.id(), in, bytes -> whole[0] = bytes); // one thread: the permit is free
      }
      return whole[0];
    }
  }

  private Inventory blobsNeeded(Head head, PullRun run) throws IOException {
    Inventory inv = p.inventory(head.manifestId());
    if (!inv.treesComplete()) {
      throw new WireException("the source sent blobs before every tree of the version");
    }
    p.checkDisk(inv, run);
    run.expect(inv);
    return inv;
  }

  private static byte[] readExactly(FrameReader r, FrameHeader h) throws IOException {
    byte[] b = r.payload().readNBytes((int) h.size());
    if (b.length != h.size()) {
      throw new EOFException("the fetch stream ended inside object " + h.id());
    }
    return b;
  }
}
