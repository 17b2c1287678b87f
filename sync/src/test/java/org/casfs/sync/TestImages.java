package org.casfs.sync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.casfs.cas.Entry;
import org.casfs.cas.Hashes;
import org.casfs.cas.Manifest;
import org.casfs.cas.Metadata;
import org.casfs.cas.Name;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.Tree;
import org.casfs.cas.store.ObjectDatabase;

/** Generated versions for sync tests: seeded random directories of files of mixed sizes. */
public final class TestImages {
  private TestImages() {}

  /** A version of {@code dirs} directories with {@code filesPerDir} files; {@code change} in 0..1 re-seeds that share of files. */
  public static ObjectId version(ObjectDatabase db, String channel, long sequence, long seed, int dirs, int filesPerDir,
      double change, ObjectId parent) throws IOException {
    Random shape = new Random(seed);
    Random variant = new Random(seed * 31 + sequence);
    List<Entry> top = new ArrayList<>();
    Metadata meta = Metadata.of(0755, 0, 0, 1_700_000_000_000_000_000L);
    for (int d = 0; d < dirs; d++) {
      List<Entry> files = new ArrayList<>();
      for (int f = 0; f < filesPerDir; f++) {
        int size = shape.nextInt(10) == 0 ? 100_000 + shape.nextInt(900_000) : shape.nextInt(40_000);
        long contentSeed = shape.nextLong();
        if (variant.nextDouble() < change) {
          contentSeed ^= sequence * 0x9e3779b97f4a7c15L;
        }
        byte[] bytes = bytes(contentSeed, size);
        Hashes h = db.store().insert(ObjectType.BLOB, bytes).hashes();
        files.add(Entry.file(Name.of("file-" + f), Metadata.of(0644, 0, 0, 1_700_000_000_000_000_000L), size, h));
      }
      files.add(Entry.symlink(Name.of("link"), Metadata.of(0777, 0, 0, 0), "file-0".getBytes(StandardCharsets.UTF_8)));
      top.add(Entry.directory(Name.of("dir-" + d), meta, db.writeTree(Tree.of(files))));
    }
    Hashes root = db.writeTree(Tree.of(top));
    Manifest m = new Manifest(root, meta, channel, sequence, "v" + sequence, parent, 1_700_000_000_000L + sequence);
    return db.writeManifest(m).id();
  }

  static byte[] bytes(long seed, int size) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    // Half compressible, like real files.
    for (int i = 0; i < size / 2; i++) {
      b[i] = (byte) (i % 17);
    }
    return b;
  }

  /** Reads every object of a version through the store's verifying reads; returns the object count. */
  public static long verifyAll(ObjectDatabase db, ObjectId manifest) throws IOException {
    Manifest m = db.readManifest(manifest);
    return 1 + verifyTree(db, m.rootId(), new java.util.HashSet<>());
  }

  private static long verifyTree(ObjectDatabase db, ObjectId tree, java.util.Set<ObjectId> seen) throws IOException {
    if (!seen.add(tree)) {
      return 0;
    }
    long n = 1;
    for (Entry e : db.readTree(tree).entries()) {
      if (e.isDirectory()) {
        n += verifyTree(db, e.childId(), seen);
      } else if (e.isRegular() && seen.add(e.childId())) {
        try (var in = db.store().open(e.childId())) {
          in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        n++;
      }
    }
    return n;
  }
}
