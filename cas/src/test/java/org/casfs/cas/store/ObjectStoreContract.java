package org.casfs.cas.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.casfs.cas.CorruptObjectException;
import org.casfs.cas.HashedBytes;
import org.casfs.cas.Hashes;
import org.casfs.cas.MissingObjectException;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.Sha256;
import org.casfs.cas.Tree;
import org.casfs.cas.TreeCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ObjectStore} shares. Subclasses make a fresh store and know how to
 * damage an object's stored bytes behind the store's back.
 */
abstract class ObjectStoreContract {
  protected ObjectStore store;

  /** A new, empty store. */
  protected abstract ObjectStore newStore() throws IOException;

  /** Replaces the stored bytes of {@code id} (the index still names it with its old size). */
  protected abstract void damage(ObjectId id, byte[] newBytes) throws IOException;

  /** Sizes worth testing: around the inline threshold of the store under test. */
  protected int[] sizes() {
    return new int[] {0, 1, 100, 4096, 70_000};
  }

  @BeforeEach
  void open() throws IOException {
    store = newStore();
  }

  @AfterEach
  void closeStore() throws IOException {
    store.close();
  }

  static byte[] bytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void insertedObjectsReadBackWithTheirNames() throws IOException {
    for (int size : sizes()) {
      byte[] b = bytes(size, size);
      Hashes h = Hashes.of(b);
      ObjectInfo info = store.insert(ObjectType.BLOB, b);
      assertThat(info).isEqualTo(new ObjectInfo(h.id(), ObjectType.BLOB, size, h.sha256()));
      assertThat(store.statOrNull(h.id())).isEqualTo(info);
      assertThat(store.contains(h.id())).isTrue();
      assertThat(store.read(h.id())).isEqualTo(b);
      try (InputStream in = store.open(h.id())) {
        assertThat(in.readAllBytes()).isEqualTo(b);
      }
    }
  }

  @Test
  void hashedBytesAreStoredUnderTheirOwnNamesAndAsOneWithTheSameBytesInsertedPlainly() throws IOException {
    for (int size : sizes()) {
      byte[] b = bytes(size, size + 11);
      HashedBytes hashed = HashedBytes.of(b.clone());
      ObjectInfo info = store.insert(ObjectType.BLOB, hashed);
      assertThat(info.id()).isEqualTo(Hashes.of(b).id());
      assertThat(info.sha256()).isEqualTo(Hashes.of(b).sha256());
      assertThat(store.read(info.id())).isEqualTo(b);
      assertThat(store.insert(ObjectType.BLOB, b)).isEqualTo(info);
      HashedBytes.Collector c = new HashedBytes.Collector(0);
      c.write(b, 0, b.length / 2);
      c.write(b, b.length / 2, b.length - b.length / 2);
      HashedBytes collected = c.finish();
      assertThat(collected.hashes()).isEqualTo(hashed.hashes());
      assertThat(store.insert(ObjectType.BLOB, collected)).isEqualTo(info);
      HashedBytes.Stream stream = collected.stream();
      assertThat(store.insertBlob(stream, size, hashed.hashes())).isEqualTo(info);
      assertThat(stream.read()).as("the stream was read to its end").isEqualTo(-1);
      Hashes other = Hashes.of(new byte[] {1, 2, 3});
      assertThatThrownBy(() -> store.insertBlob(collected.stream(), size, other))
          .isInstanceOf(org.casfs.cas.CorruptObjectException.class);
    }
  }

  /**
   * The hashes of a reused buffer's first bytes name the object copied out of it, whatever the
   * buffer holds next; and a plain insert's caller may change its array afterwards.
   */
  @Test
  void aBufferPrefixIsStoredAsItsOwnBytesAndCallersMayReuseTheirArrays() throws IOException {
    for (int size : sizes()) {
      byte[] b = bytes(size, size + 21);
      byte[] buf = Arrays.copyOf(b, size + 100);
      buf[size] = 1;
      HashedBytes.Prefix prefix = HashedBytes.hashPrefix(buf, size);
      assertThat(prefix.hashes()).isEqualTo(Hashes.of(b));
      HashedBytes copied = prefix.copy();
      Arrays.fill(buf, (byte) 7);
      ObjectInfo info = store.insert(ObjectType.BLOB, copied);
      assertThat(info.id()).isEqualTo(Hashes.of(b).id());
      assertThat(store.read(info.id())).isEqualTo(b);

      byte[] plain = bytes(size, size + 22);
      byte[] kept = plain.clone();
      ObjectInfo plainInfo = store.insert(ObjectType.BLOB, plain);
      Arrays.fill(plain, (byte) 9);
      assertThat(store.read(plainInfo.id())).isEqualTo(kept);
    }
  }

  @Test
  void theTypeIsRecorded() throws IOException {
    byte[] tree = TreeCodec.encode(Tree.EMPTY);
    ObjectInfo info = store.insert(ObjectType.TREE, tree);
    assertThat(store.statOrNull(info.id()).type()).isEqualTo(ObjectType.TREE);
    assertThat(store.read(info.id())).isEqualTo(tree);
  }

  @Test
  void absentObjectsAreMissingByName() throws IOException {
    ObjectId id = Hashes.of(new byte[] {42}).id();
    assertThat(store.statOrNull(id)).isNull();
    assertThat(store.contains(id)).isFalse();
    assertThatThrownBy(() -> store.read(id)).isInstanceOf(MissingObjectException.class).hasMessageContaining(id.name());
    assertThatThrownBy(() -> store.open(id)).isInstanceOf(MissingObjectException.class).hasMessageContaining(id.name());
    assertThat(store.remove(id)).isFalse();
  }

  @Test
  void duplicateInsertsStoreOnce() throws IOException {
    for (int size : sizes()) {
      byte[] b = bytes(size, 7);
      ObjectInfo first = store.insert(ObjectType.BLOB, b);
      assertThat(store.insert(ObjectType.BLOB, b.clone())).isEqualTo(first);
      assertThat(store.insertBlob(new ByteArrayInputStream(b), size, null)).isEqualTo(first);
    }
    List<ObjectId> ids = new ArrayList<>();
    store.forEach(info -> ids.add(info.id()));
    assertThat(ids).doesNotHaveDuplicates().hasSize(sizes().length);
  }

  @Test
  void forEachVisitsEveryObjectInAscendingIdOrderAndStopsWhenAsked() throws IOException {
    Set<ObjectId> inserted = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      inserted.add(store.insert(i % 3 == 0 ? ObjectType.TREE : ObjectType.BLOB, bytes(i * 37 % 5000, i)).id());
    }
    List<ObjectId> seen = new ArrayList<>();
    store.forEach(info -> seen.add(info.id()));
    assertThat(seen).isSorted().containsExactlyInAnyOrderElementsOf(inserted);
    List<ObjectId> firstTen = new ArrayList<>();
    store.forEach(info -> {
      firstTen.add(info.id());
      return firstTen.size() < 10;
    });
    assertThat(firstTen).containsExactlyElementsOf(seen.subList(0, 10));
  }

  @Test
  void blobsAreFoundByTheSha256OfTheirBytesFromTheirInsertOnAndOnlyWhileStored() throws IOException {
    List<Hashes> blobs = new ArrayList<>();
    for (int size : sizes()) {
      byte[] b = bytes(size, 41);
      blobs.add(Hashes.of(b));
      if (size % 2 == 0) {
        store.insert(ObjectType.BLOB, b);
      } else {
        store.insertBlob(new ByteArrayInputStream(b), size, null);
      }
    }
    byte[] treeBytes = TreeCodec.encode(Tree.EMPTY);
    store.insert(ObjectType.TREE, treeBytes);
    for (Hashes h : blobs) {
      assertThat(store.blobIdOrNull(h.sha256())).as("blob %s", h.id()).isEqualTo(h.id());
    }
    store.flush();
    for (Hashes h : blobs) {
      assertThat(store.blobIdOrNull(h.sha256())).as("flushed blob %s", h.id()).isEqualTo(h.id());
    }
    // Only blobs, and only what is stored.
    assertThat(store.blobIdOrNull(Hashes.of(treeBytes).sha256())).isNull();
    assertThat(store.blobIdOrNull(Hashes.of(bytes(99, 42)).sha256())).isNull();
    for (Hashes h : blobs) {
      store.remove(h.id());
      assertThat(store.blobIdOrNull(h.sha256())).as("removed blob %s", h.id()).isNull();
    }
  }

  @Test
  void removedObjectsAreGone() throws IOException {
    for (int size : sizes()) {
      ObjectId id = store.insert(ObjectType.BLOB, bytes(size, 3)).id();
      assertThat(store.remove(id)).isTrue();
      assertThat(store.statOrNull(id)).isNull();
      assertThatThrownBy(() -> store.read(id)).isInstanceOf(MissingObjectException.class);
      assertThat(store.remove(id)).isFalse();
      // And it can come back.
      store.insert(ObjectType.BLOB, bytes(size, 3));
      assertThat(store.read(id)).isEqualTo(bytes(size, 3));
    }
    store.flush();
  }

  @Test
  void insertBlobStreamsAndChecksExpectedHashes() throws IOException {
    for (int size : sizes()) {
      byte[] b = bytes(size, 11);
      Hashes h = Hashes.of(b);
      assertThat(store.insertBlob(new ByteArrayInputStream(b), size, h).hashes()).isEqualTo(h);
      assertThat(store.read(h.id())).isEqualTo(b);
    }
  }

  @Test
  void aBlobThatDoesNotHashToWhatWasNamedStoresNothing() throws IOException {
    for (int size : sizes()) {
      byte[] good = bytes(size + 1, 5);
      byte[] bad = good.clone();
      bad[bad.length / 2] ^= 1;
      Hashes expected = Hashes.of(good);
      assertThatThrownBy(() -> store.insertBlob(new ByteArrayInputStream(bad), bad.length, expected))
          .isInstanceOf(CorruptObjectException.class).hasMessageContaining(expected.id().name())
          .hasMessageContaining(Hashes.of(bad).id().name());
      assertThat(store.contains(expected.id())).isFalse();
      assertThat(store.contains(Hashes.of(bad).id())).isFalse();
      // The right SHA-1 with a wrong SHA-256 (what a collision would look like) is refused too.
      Hashes wrong256 = new Hashes(expected.id(), Sha256.fromRaw(new byte[Sha256.LENGTH]));
      assertThatThrownBy(() -> store.insertBlob(new ByteArrayInputStream(good), good.length, wrong256))
          .isInstanceOf(CorruptObjectException.class).hasMessageContaining("SHA-256");
      assertThat(store.contains(expected.id())).isFalse();
    }
    assertThat(count()).isZero();
  }

  @Test
  void aShortStreamStoresNothingAndALongerOneIsReadOnlyUpToSize() throws IOException {
    for (int size : sizes()) {
      byte[] b = bytes(size + 10, 9);
      assertThatThrownBy(() -> store.insertBlob(new ByteArrayInputStream(b, 0, size), size + 10, null))
          .isInstanceOf(IOException.class).hasMessageContaining("ended after " + size + " of " + (size + 10));
      assertThat(count()).isZero();
      ByteArrayInputStream in = new ByteArrayInputStream(b);
      ObjectInfo info = store.insertBlob(in, size, null);
      assertThat(info.size()).isEqualTo(size);
      assertThat(in.available()).isEqualTo(10);
      store.remove(info.id());
    }
  }

  @Test
  void concurrentInsertsOfTheSameObjectAgree() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int size : sizes()) {
        byte[] b = bytes(size, 13);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<ObjectInfo>> results = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          boolean streamed = t % 2 == 0;
          Callable<ObjectInfo> task = () -> {
            go.await();
            return streamed ? store.insertBlob(new ByteArrayInputStream(b), size, null)
                : store.insert(ObjectType.BLOB, b);
          };
          results.add(pool.submit(task));
        }
        go.countDown();
        Set<ObjectInfo> infos = new HashSet<>();
        for (Future<ObjectInfo> f : results) {
          infos.add(f.get(60, TimeUnit.SECONDS));
        }
        assertThat(infos).hasSize(1);
        assertThat(store.read(infos.iterator().next().id())).isEqualTo(b);
      }
      assertThat(count()).isEqualTo(sizes().length);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void damagedObjectsAreReportedByNameAndNeverServed() throws IOException {
    for (int size : sizes()) {
      if (size == 0) {
        continue;
      }
      byte[] b = bytes(size, 17);
      ObjectId flipped = store.insert(ObjectType.BLOB, b).id();
      byte[] bad = b.clone();
      bad[size / 2] ^= 0x10;
      damage(flipped, bad);
      assertRefused(flipped);
      byte[] b2 = bytes(size, 19);
      ObjectId truncated = store.insert(ObjectType.BLOB, b2).id();
      damage(truncated, java.util.Arrays.copyOf(b2, size - 1));
      assertRefused(truncated);
    }
  }

  private void assertRefused(ObjectId id) throws IOException {
    assertThatThrownBy(() -> store.read(id)).isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining(id.name());
    assertThatThrownBy(() -> {
      try (InputStream in = store.open(id)) {
        in.readAllBytes();
      }
    }).isInstanceOf(CorruptObjectException.class).hasMessageContaining(id.name());
  }

  @Test
  void aSweepNeverRemovesWhatWasInsertedWhileItWasOpen() throws Exception {
    List<ObjectId> before = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      before.add(store.insert(ObjectType.BLOB, bytes(i * 300, i)).id());
    }
    try (Sweep sweep = store.beginSweep()) {
      assertThatThrownBy(store::beginSweep).isInstanceOf(IllegalStateException.class);
      // Half of the old objects are inserted again (they "already exist"), plus new ones.
      List<ObjectId> reinserted = new ArrayList<>();
      for (int i = 0; i < 50; i += 2) {
        reinserted.add(store.insert(ObjectType.BLOB, bytes(i * 300, i)).id());
      }
      ObjectId fresh = store.insert(ObjectType.BLOB, bytes(9999, 99)).id();
      List<ObjectId> all = new ArrayList<>(before);
      all.add(fresh);
      List<ObjectInfo> removed = sweep.removeUnprotected(all);
      assertThat(removed).extracting(ObjectInfo::id).doesNotContainAnyElementsOf(reinserted).doesNotContain(fresh)
          .hasSize(50 - reinserted.size());
      for (ObjectId id : reinserted) {
        assertThat(store.read(id)).isNotNull();
      }
      assertThat(store.contains(fresh)).isTrue();
      assertThat(sweep.removeOrphans()).isZero();
    }
    try (Sweep again = store.beginSweep()) {
      assertThat(again.removeUnprotected(List.of(Hashes.of(bytes(9999, 99)).id()))).hasSize(1);
    }
  }

  /** Many inserters against one sweeper removing everything: whatever an insert returned survives. */
  @Test
  void insertsRacingASweepAreNeverLost() throws Exception {
    List<byte[]> objects = new ArrayList<>();
    List<ObjectId> ids = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      byte[] b = bytes(i % 10 == 0 ? 40_000 : i * 13, 1000 + i);
      objects.add(b);
      ids.add(Hashes.of(b).id());
      if (i % 2 == 0) {
        store.insert(ObjectType.BLOB, b); // present before the sweep
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try (Sweep sweep = store.beginSweep()) {
      List<Future<List<Integer>>> inserters = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        int offset = t;
        inserters.add(pool.submit(() -> {
          List<Integer> done = new ArrayList<>();
          for (int i = offset; i < objects.size(); i += 3) {
            store.insert(ObjectType.BLOB, objects.get(i));
            done.add(i);
          }
          return done;
        }));
      }
      for (int round = 0; round < 30; round++) {
        sweep.removeUnprotected(ids);
      }
      for (Future<List<Integer>> f : inserters) {
        for (int i : f.get(60, TimeUnit.SECONDS)) {
          assertThat(store.read(ids.get(i))).as("object %d", i).isEqualTo(objects.get(i));
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  protected long count() throws IOException {
    long[] n = {0};
    store.forEach(info -> {
      n[0]++;
      return true;
    });
    return n[0];
  }
}
