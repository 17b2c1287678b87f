package org.casfs.txn;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.casfs.cas.Manifest;
import org.casfs.cas.Metadata;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.KeyValueStore;
import org.casfs.cas.store.Repository;

/**
 * Begins, resumes and finishes the repository's transaction. There is at most one open
 * transaction per repository (a writable mount, a commit in progress or an import): beginning a
 * second one is refused until the first is committed or aborted. The open transaction survives
 * crashes and restarts; {@link #openOrNull()} resumes it by replaying its journal.
 *
 * <p>Key spaces: {@value #META} holds {@code open} (the open transaction's id and base),
 * {@value #JOURNAL} its ops keyed by (id, seq). Staging directories {@code staging/txn-ID} that
 * belong to no open transaction are leftovers of a crash during commit or abort and are deleted
 * when this object is made. Thread-safe.
 */
public final class Transactions {
  static final String META = "txn-meta";
  static final String JOURNAL = "txn-journal";
  private static final byte[] OPEN = "open".getBytes(StandardCharsets.UTF_8);

  private final Repository repo;
  private final Refs refs;
  private final KeyValueStore kv;
  private final LongSupplier clockMillis;
  private final JournalRoom room;
  private Transaction open;

  Transactions(Repository repo, Refs refs, LongSupplier clockMillis) throws IOException {
    this.repo = repo;
    this.refs = refs;
    this.kv = repo.kv();
    this.clockMillis = clockMillis;
    this.room = new JournalRoom(repo.dir());
    cleanLeftovers();
  }

  long clockMillis() {
    return clockMillis.getAsLong();
  }

  long clockNanos() {
    // Sub-millisecond digits from the monotonic clock, so quick successive changes order by mtime.
    return clockMillis.getAsLong() * 1_000_000L + Math.floorMod(System.nanoTime(), 1_000_000L);
  }

  /** Starts a transaction on {@code base} (null: on an empty tree). */
  public synchronized Transaction begin(ObjectId base) throws IOException, VersionException {
    if (openOrNull() != null) {
      throw new IllegalStateException("a transaction is already open (id " + open.id() + ", base "
          + (open.base() == null ? "none" : open.base().name()) + "): 'casfs commit' or 'casfs abort' it first");
    }
    if (base != null && refs.refusalOrNull(base) != null) {
      throw new VersionException(VersionException.Reason.INCOMPLETE, "version " + base
          + " is not complete in this repository (objects missing); run 'casfs fsck --repair' or pull it again");
    }
    long id = clockMillis() * 1000 + (System.nanoTime() & 0x3ff) % 1000;
    Path dir = repo.stagingDir("txn-" + id);
    ByteBuffer b = ByteBuffer.allocate(8 + 1 + ObjectId.LENGTH);
    b.putLong(id).put((byte) (base == null ? 0 : 1));
    if (base != null) {
      b.put(base.toRaw());
    }
    kv.batch().put(META, OPEN, b.array()).commit(true);
    open = new Transaction(this, repo, id, base, dir, layerFor(base), 0);
    return open;
  }

  private UpperLayer layerFor(ObjectId base) throws IOException {
    if (base == null) {
      return new UpperLayer(repo.objectDatabase(), null, Metadata.of(0755, 0, 0, clockMillis() * 1_000_000L));
    }
    Manifest m = repo.objectDatabase().readManifest(base);
    return new UpperLayer(repo.objectDatabase(), m.root(), m.rootMeta());
  }

  /** The open transaction, resumed from its journal if this process has not seen it yet; or null. */
  public synchronized Transaction openOrNull() throws IOException {
    if (open != null && !open.isFinished()) {
      return open;
    }
    open = null;
    byte[] rec = kv.getOrNull(META, OPEN);
    if (rec == null) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(rec);
    long id = b.getLong();
    ObjectId base = null;
    if (b.get() == 1) {
      byte[] raw = new byte[ObjectId.LENGTH];
      b.get(raw);
      base = ObjectId.fromRaw(raw);
    }
    UpperLayer layer = layerFor(base);
    List<Op> ops = new ArrayList<>();
    kv.scan(JOURNAL, ByteBuffer.allocate(8).putLong(id).array(), (k, v) -> {
      ops.add(Op.decode(v));
      return true;
    });
    for (Op op : ops) {
      layer.apply(op);
    }
    Transaction t = new Transaction(this, repo, id, base, repo.stagingDir("txn-" + id), layer, ops.size());
    t.normalizeDataFiles();
    open = t;
    return t;
  }

  /**
   * Aborts the open transaction without replaying its journal (so it works even if the journal
   * cannot be replayed): its journal, its {@code open} record and its staging directory go.
   * Returns its id, or -1 if none was open.
   */
  public long abortOpen() throws IOException {
    Transaction live;
    long id;
    synchronized (this) {
      byte[] rec = kv.getOrNull(META, OPEN);
      if (rec == null) {
        return -1;
      }
      id = ByteBuffer.wrap(rec).getLong();
      live = open != null && open.id() == id && !open.isFinished() ? open : null;
      if (live == null) {
        KeyValueStore.Batch batch = kv.batch();
        dropJournal(batch, id);
        batch.commit(true);
        open = null;
        deleteTree(repo.dir().resolve("staging").resolve("txn-" + id));
        return id;
      }
    }
    // Outside this monitor: abort takes the transaction's monitor first, then this one.
    live.abort();
    return id;
  }

  /** Whether the repository's disk is short of room: a deleted file's bytes are then freed at once. */
  boolean roomIsShort() throws IOException {
    return room.isShort();
  }

  void journal(long id, long seq, Op op) throws IOException {
    byte[] key = ByteBuffer.allocate(16).putLong(id).putLong(seq).array();
    byte[] record = op.encode();
    room.require(op, record.length);
    kv.batch().put(JOURNAL, key, record).commit(false);
  }

  /** The commit's last, atomic step: the version is registered and the transaction is gone. */
  void committed(Transaction t, ObjectId manifest, Manifest m) throws IOException {
    KeyValueStore.Batch batch = kv.batch();
    refs.registerVersion(batch, manifest, m);
    dropJournal(batch, t.id());
    batch.commit(true);
  }

  /** Forgets a finished transaction: its journal (for abort) and its staging directory. */
  synchronized void forget(Transaction t, boolean aborted) throws IOException {
    if (aborted) {
      KeyValueStore.Batch batch = kv.batch();
      dropJournal(batch, t.id());
      batch.commit(true);
    }
    if (open == t) {
      open = null;
    }
    deleteTree(t.stagingDir());
  }

  private void dropJournal(KeyValueStore.Batch batch, long id) throws IOException {
    kv.scan(JOURNAL, ByteBuffer.allocate(8).putLong(id).array(), (k, v) -> {
      batch.delete(JOURNAL, k);
      return true;
    });
    batch.delete(META, OPEN);
  }

  private void cleanLeftovers() throws IOException {
    if (repo.readOnly()) {
      return; // nothing can be removed there; the next read-write open cleans up
    }
    byte[] rec = kv.getOrNull(META, OPEN);
    String keep = rec == null ? null : "txn-" + ByteBuffer.wrap(rec).getLong();
    Path staging = repo.dir().resolve("staging");
    if (!Files.isDirectory(staging)) {
      return;
    }
    try (Stream<Path> s = Files.list(staging)) {
      for (Path p : s.toList()) {
        String name = p.getFileName().toString();
        if (name.startsWith("txn-") && !name.equals(keep)) {
          deleteTree(p);
        }
      }
    }
    // Journal records of a transaction that is no longer open (a crash inside abort's batch is
    // impossible, but records written after an abort by a stale writer are not).
    List<byte[]> stale = new ArrayList<>();
    long keepId = rec == null ? -1 : ByteBuffer.wrap(rec).getLong();
    kv.scan(JOURNAL, new byte[0], (k, v) -> {
      if (ByteBuffer.wrap(k).getLong() != keepId) {
        stale.add(k);
      }
      return true;
    });
    if (!stale.isEmpty()) {
      KeyValueStore.Batch batch = kv.batch();
      stale.forEach(k -> batch.delete(JOURNAL, k));
      batch.commit(true);
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
