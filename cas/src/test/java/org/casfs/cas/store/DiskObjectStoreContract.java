package org.casfs.cas.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.casfs.cas.CorruptObjectException;
import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.Tree;
import org.casfs.cas.TreeCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract on the real store: a {@link Repository} in a temporary directory (real RocksDB,
 * real loose files), with the inline threshold each subclass chooses.
 */
abstract class DiskObjectStoreContract extends ObjectStoreContract {
  @TempDir
  Path tmp;
  Repository repo;

  abstract int inlineThreshold();

  @Override
  protected ObjectStore newStore() throws IOException {
    repo = Repository.init(tmp.resolve("repo"), RepoConfig.defaults().withInlineThreshold(inlineThreshold()));
    return repo.objects();
  }

  @AfterEach
  void closeRepo() throws IOException {
    if (repo != null) {
      repo.close();
    }
  }

  @Override
  protected int[] sizes() {
    int t = inlineThreshold();
    return java.util.stream.IntStream.of(0, 1, t - 1, t, t + 1, t + 70_000).filter(n -> n >= 0).distinct().toArray();
  }

  @Override
  protected void damage(ObjectId id, byte[] newBytes) throws IOException {
    DiskObjectStore disk = repo.objects();
    disk.flush(); // the stored bytes, not the copy an unflushed insert still holds in memory
    if (disk.isStoredLoose(id)) {
      Path f = disk.loosePath(id);
      f.toFile().setWritable(true);
      Files.write(f, newBytes);
    } else {
      repo.kv().batch().put(DiskObjectStore.DATA, id.toRaw(), newBytes).commit(true);
    }
  }

  @Test
  void objectsSurviveReopening() throws IOException {
    List<ObjectId> ids = new ArrayList<>();
    for (int size : sizes()) {
      ids.add(store.insert(ObjectType.BLOB, bytes(size, 23)).id());
    }
    store.flush();
    repo.close();
    repo = Repository.open(tmp.resolve("repo"));
    store = repo.objects();
    for (int i = 0; i < ids.size(); i++) {
      assertThat(store.read(ids.get(i))).isEqualTo(bytes(sizes()[i], 23));
    }
  }

  @Test
  void aContentIndexEntryIsBelievedOnlyWhenTheObjectIndexAgrees() throws IOException {
    byte[] a = bytes(100, 51);
    byte[] b = bytes(100, 52);
    Hashes ha = Hashes.of(a);
    Hashes hb = Hashes.of(b);
    store.insert(ObjectType.BLOB, a);
    ObjectId tree = store.insert(ObjectType.TREE, TreeCodec.encode(Tree.EMPTY)).id();
    store.flush();
    // a's SHA-256 made to name another blob, an absent one, a tree, and something not an id
    KeyValueStore kv = repo.kv();
    for (byte[] wrong : List.of(hb.id().toRaw(), ObjectId.fromRaw(new byte[20]).toRaw(), tree.toRaw(), new byte[7])) {
      kv.batch().put(ContentIndex.SPACE, ha.sha256().toRaw(), wrong).commit(true);
      assertThat(store.blobIdOrNull(ha.sha256())).isNull();
    }
    store.insert(ObjectType.BLOB, b);
    kv.batch().put(ContentIndex.SPACE, ha.sha256().toRaw(), hb.id().toRaw()).commit(true);
    assertThat(store.blobIdOrNull(ha.sha256())).as("names a stored blob with another SHA-256").isNull();
    assertThat(store.read(ha.id())).isEqualTo(a);
  }

  @Test
  void aRepositoryWithoutAContentIndexGetsOneBuiltWhenOpened() throws IOException {
    List<Hashes> blobs = new ArrayList<>();
    for (int size : sizes()) {
      byte[] b = bytes(size, 61);
      blobs.add(Hashes.of(b));
      store.insert(ObjectType.BLOB, b);
    }
    store.flush();
    // As a repository made before the index existed: its key space empty, no marker.
    List<byte[]> keys = new ArrayList<>();
    repo.kv().scan(ContentIndex.SPACE, new byte[0], (k, v) -> keys.add(k));
    assertThat(keys).hasSize(blobs.size() + 1);
    KeyValueStore.Batch drop = repo.kv().batch();
    keys.forEach(k -> drop.delete(ContentIndex.SPACE, k));
    drop.commit(true);
    assertThat(store.blobIdOrNull(blobs.get(0).sha256())).isNull();
    repo.close();
    repo = Repository.open(tmp.resolve("repo"));
    store = repo.objects();
    for (Hashes h : blobs) {
      assertThat(store.blobIdOrNull(h.sha256())).isEqualTo(h.id());
    }
  }

  @Test
  void blobsOverTheThresholdAreReadOnlyLooseFilesAndNothingIsLeftInStaging() throws IOException {
    DiskObjectStore disk = repo.objects();
    for (int size : sizes()) {
      byte[] b = bytes(size, 29);
      ObjectId id = disk.insertBlob(new ByteArrayInputStream(b), size, null).id();
      boolean loose = size > inlineThreshold();
      assertThat(disk.isStoredLoose(id)).isEqualTo(loose);
      assertThat(disk.loosePathOrNull(id) != null).isEqualTo(loose);
      if (loose) {
        Path f = disk.loosePath(id);
        assertThat(Files.readAllBytes(f)).isEqualTo(b);
        assertThat(Files.getPosixFilePermissions(f)).noneMatch(p -> p.name().endsWith("WRITE"));
      }
      // A refused insert leaves nothing behind either.
      try {
        disk.insertBlob(new ByteArrayInputStream(b), size, Hashes.of(new byte[] {1}));
      } catch (CorruptObjectException expected) {
        // the point of the exercise
      }
    }
    try (var s = Files.list(tmp.resolve("repo/staging/tmp"))) {
      assertThat(s.toList()).isEmpty();
    }
  }

  /** A loose file grown to 8 GiB (sparse) is refused at once, without reading or allocating it. */
  @Test
  void aLooseFileThatGrewHugeIsRefusedWithoutReadingIt() throws IOException {
    DiskObjectStore disk = repo.objects();
    byte[] b = bytes(inlineThreshold() + 1000, 37);
    ObjectId id = disk.insert(ObjectType.BLOB, b).id();
    Path f = disk.loosePath(id);
    f.toFile().setWritable(true);
    try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(8L << 30);
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> disk.read(id)).isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining(id.name()).hasMessageContaining("has 8589934592 bytes where " + b.length);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
      try (java.io.InputStream in = disk.open(id)) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
      }
    }).isInstanceOf(CorruptObjectException.class).hasMessageContaining("longer than its recorded");
    org.assertj.core.api.Assertions.assertThat(new org.casfs.cas.check.Fsck(disk).run().problems())
        .extracting(Object::toString)
        .containsExactly("blob " + id + ": corrupt (longer than the " + b.length + " bytes recorded)");
  }

  @Test
  void orphanFilesAreFoundAndSweptUnlessAnInsertProtectsThem() throws IOException {
    DiskObjectStore disk = repo.objects();
    byte[] b = bytes(inlineThreshold() + 5000, 31);
    ObjectId id = disk.insert(ObjectType.BLOB, b).id();
    disk.flush();
    Path f = disk.loosePath(id);
    // What a crash between gc's index delete and file delete leaves behind.
    repo.kv().batch().delete(DiskObjectStore.INDEX, id.toRaw()).commit(true);
    List<Path> orphans = new ArrayList<>();
    disk.forEachOrphan(orphans::add);
    assertThat(orphans).containsExactly(f);
    try (Sweep sweep = disk.beginSweep()) {
      assertThat(sweep.removeOrphans()).isEqualTo(b.length);
    }
    assertThat(f).doesNotExist();
    orphans.clear();
    disk.forEachOrphan(orphans::add);
    assertThat(orphans).isEmpty();
  }

  /**
   * Durable before visible, in batches: an object is readable as soon as insert returns, but the
   * index names it only after flush, so a crash before the flush leaves nothing that names an
   * unsynced file; a clean close flushes.
   */
  @Test
  void objectsAreReadableAtOnceButIndexedOnlyByFlush() throws IOException {
    byte[] small = bytes(Math.max(1, inlineThreshold() / 2), 41);
    byte[] big = bytes(inlineThreshold() + 3000, 42);
    ObjectId smallId = repo.objects().insert(ObjectType.BLOB, small).id();
    ObjectId bigId = repo.objects().insertBlob(new ByteArrayInputStream(big), big.length, null).id();
    assertThat(repo.objects().read(smallId)).isEqualTo(small);
    assertThat(repo.objects().read(bigId)).isEqualTo(big);
    assertThat(repo.objects().hasPending()).isTrue();
    assertThat(repo.kv().getOrNull(DiskObjectStore.INDEX, smallId.toRaw())).isNull();
    assertThat(repo.kv().getOrNull(DiskObjectStore.INDEX, bigId.toRaw())).isNull();
    repo.flush();
    assertThat(repo.objects().hasPending()).isFalse();
    assertThat(repo.kv().getOrNull(DiskObjectStore.INDEX, smallId.toRaw())).isNotNull();
    assertThat(repo.kv().getOrNull(DiskObjectStore.INDEX, bigId.toRaw())).isNotNull();
    byte[] later = bytes(inlineThreshold() + 5000, 43);
    ObjectId laterId = repo.objects().insert(ObjectType.BLOB, later).id();
    repo.close();
    repo = Repository.open(tmp.resolve("repo"));
    assertThat(repo.objects().read(laterId)).isEqualTo(later);
    assertThat(repo.objects().read(bigId)).isEqualTo(big);
  }

  /**
   * An insert log holds the objects added while it is open, through every insert path, small and
   * loose: not those stored before, not a second insert of one, not those added after it closed.
   */
  @Test
  void anInsertLogHoldsExactlyTheObjectsAddedWhileItIsOpen() throws IOException {
    DiskObjectStore disk = repo.objects();
    ObjectId before = disk.insert(ObjectType.BLOB, bytes(10, 50)).id();
    List<ObjectId> added = new ArrayList<>();
    InsertLog log = disk.logInserts();
    try (InsertLog second = disk.logInserts()) {
      assertThat(disk.insert(ObjectType.BLOB, bytes(10, 50)).id()).isEqualTo(before);
      added.add(disk.insert(ObjectType.BLOB, bytes(Math.max(1, inlineThreshold() / 2), 51)).id());
      added.add(disk.insert(ObjectType.TREE, bytes(20, 52)).id());
      byte[] big = bytes(inlineThreshold() + 3000, 53);
      added.add(disk.insertBlob(new ByteArrayInputStream(big), big.length, null).id());
      added.add(disk.insert(ObjectType.BLOB, bytes(inlineThreshold() + 9000, 54)).id());
      disk.insertBlob(new ByteArrayInputStream(big), big.length, null);
      second.close();
      ObjectId afterSecond = disk.insert(ObjectType.BLOB, bytes(30, 55)).id();
      added.add(afterSecond);
      assertThat(log.added()).containsExactlyInAnyOrderElementsOf(added);
      assertThat(second.added()).containsExactlyInAnyOrderElementsOf(added.subList(0, added.size() - 1));
    } finally {
      log.close();
    }
    disk.insert(ObjectType.BLOB, bytes(40, 56));
    assertThat(log.added()).containsExactlyInAnyOrderElementsOf(added);
  }
}
