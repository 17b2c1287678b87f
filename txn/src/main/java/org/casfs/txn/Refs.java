package org.casfs.txn;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.casfs.cas.Manifest;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.KeyValueStore;

/**
 * Names for manifests, kept in the repository's key-value store: {@code current} (what runs),
 * {@code previous} (the rollback target), {@code staged} (pulled and verified, not yet
 * switched), pins ({@code pin/NAME}) and labels ({@code label/LABEL}); the history of flips; and
 * an index of every version this repository made or accepted (for id prefixes and "newest N").
 *
 * <p>A ref never points at an incomplete manifest: every setter checks {@link Completeness}
 * first and answers {@link RefUpdate#REJECTED_MISSING_OBJECT} otherwise. {@code current} and
 * {@code previous} move only through {@link RootPointer}.
 *
 * <p>Thread-safe: writers serialize on this object; the repository is owned by one process (the
 * {@code Repository} lock), so an in-process lock makes read-compare-write atomic. Ref writes
 * are synced.
 */
public final class Refs {
  static final String REFS = "txn-refs";
  static final String HISTORY = "txn-history";
  static final String VERSIONS = "txn-versions";
  public static final String CURRENT = "current";
  public static final String PREVIOUS = "previous";
  public static final String STAGED = "staged";
  public static final String PIN_PREFIX = "pin/";
  public static final String LABEL_PREFIX = "label/";

  private final KeyValueStore kv;
  private final Completeness completeness;
  private long nextHistorySeq;
  /** The order of the next version registered here ("newest" means registered last); 0: not read yet. */
  private long nextVersionOrder; // guarded by versionOrderLock
  private final Object versionOrderLock = new Object();

  Refs(KeyValueStore kv, Completeness completeness) throws IOException {
    this.kv = kv;
    this.completeness = completeness;
    long[] last = {0};
    kv.scan(HISTORY, new byte[0], (k, v) -> {
      last[0] = ByteBuffer.wrap(k).getLong();
      return true;
    });
    this.nextHistorySeq = last[0] + 1;
  }

  /** The next registration's order, read from the index the first time (commands that only read never do). */
  private long takeVersionOrder() throws IOException {
    synchronized (versionOrderLock) {
      if (nextVersionOrder == 0) {
        long[] highest = {0};
        kv.scan(VERSIONS, new byte[0], (k, v) -> {
          highest[0] = Math.max(highest[0], VersionEntry.decode(k, v).order());
          return true;
        });
        nextVersionOrder = highest[0] + 1;
      }
      return nextVersionOrder++;
    }
  }

  public Completeness completeness() {
    return completeness;
  }

  static byte[] key(String ref) {
    return ref.getBytes(StandardCharsets.UTF_8);
  }

  /** The manifest a ref names, or null. {@code name} is a full ref name ({@code current}, {@code pin/x}). */
  public ObjectId getOrNull(String name) throws IOException {
    byte[] v = kv.getOrNull(REFS, key(name));
    return v == null ? null : ObjectId.fromRaw(v);
  }

  public ObjectId currentOrNull() throws IOException {
    return getOrNull(CURRENT);
  }

  public ObjectId previousOrNull() throws IOException {
    return getOrNull(PREVIOUS);
  }

  public ObjectId stagedOrNull() throws IOException {
    return getOrNull(STAGED);
  }

  /** Pin names (without {@code pin/}) to manifests, sorted. */
  public Map<String, ObjectId> pins() throws IOException {
    return withPrefix(PIN_PREFIX);
  }

  /** Labels to the newest manifest that carries them, sorted. */
  public Map<String, ObjectId> labels() throws IOException {
    return withPrefix(LABEL_PREFIX);
  }

  private Map<String, ObjectId> withPrefix(String prefix) throws IOException {
    Map<String, ObjectId> out = new TreeMap<>();
    kv.scan(REFS, key(prefix), (k, v) -> {
      out.put(new String(k, StandardCharsets.UTF_8).substring(prefix.length()), ObjectId.fromRaw(v));
      return true;
    });
    return out;
  }

  /** Every ref (full names) to its manifest: current, previous, staged, pins, labels. */
  public Map<String, ObjectId> all() throws IOException {
    Map<String, ObjectId> out = new TreeMap<>();
    kv.scan(REFS, new byte[0], (k, v) -> {
      out.put(new String(k, StandardCharsets.UTF_8), ObjectId.fromRaw(v));
      return true;
    });
    return out;
  }

  /** Points {@code staged} at a complete manifest (the sync layer, after verifying a pull). */
  public RefUpdate setStaged(ObjectId manifest) throws IOException {
    return set(STAGED, manifest);
  }

  /** Removes {@code staged}; returns whether it was set. */
  public synchronized boolean clearStaged() throws IOException {
    return delete(STAGED);
  }

  /** Pins a manifest under a name (letters, digits, '.', '_', '-'), so gc keeps it. */
  public RefUpdate pin(String name, ObjectId manifest) throws IOException {
    checkRefPart("pin name", name);
    if (name.equals(CURRENT) || name.equals(PREVIOUS) || name.equals(STAGED)) {
      // a VERSION argument reads these as the refs, so a pin of that name could not be named by it
      throw new IllegalArgumentException("pin name '" + name + "' is a ref's name (current, previous, staged):"
          + " choose another");
    }
    if (VersionResolver.readsAsIdPrefix(name) && !name.equals(manifest.name())) {
      // a VERSION argument reads a pin's name before an id prefix: 'pin V --name 839a' made 839a
      // name V in every command, whatever version that prefix is (the version's own id is its name)
      throw new IllegalArgumentException("pin name '" + name + "' would read as a version id or id prefix: choose"
          + " another (not " + VersionResolver.MIN_PREFIX + " or more of the digits 0-9 and a-f alone)");
    }
    return set(PIN_PREFIX + name, manifest);
  }

  /**
   * Removes a pin by name, or every pin pointing at {@code nameOrId} if it is a manifest id.
   * Returns how many pins went.
   */
  public synchronized int unpin(String nameOrId) throws IOException {
    if (getOrNull(PIN_PREFIX + nameOrId) != null) {
      delete(PIN_PREFIX + nameOrId);
      return 1;
    }
    int n = 0;
    if (ObjectId.isValid(nameOrId)) {
      ObjectId id = ObjectId.fromString(nameOrId);
      for (Map.Entry<String, ObjectId> e : pins().entrySet()) {
        if (e.getValue().equals(id)) {
          delete(PIN_PREFIX + e.getKey());
          n++;
        }
      }
    }
    return n;
  }

  /** Points a label at a manifest (the newest version with that label wins). */
  public RefUpdate setLabel(String label, ObjectId manifest) throws IOException {
    if (label.isEmpty() || label.length() > Manifest.MAX_LABEL || label.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException("label must be 1 to 256 printable characters: " + label);
    }
    return set(LABEL_PREFIX + label, manifest);
  }

  private synchronized RefUpdate set(String name, ObjectId manifest) throws IOException {
    if (manifest.equals(getOrNull(name))) {
      return RefUpdate.NO_CHANGE;
    }
    RefUpdate refused = refusalOrNull(manifest);
    if (refused != null) {
      return refused;
    }
    kv.batch().put(REFS, key(name), manifest.toRaw()).commit(true);
    return RefUpdate.OK;
  }

  private boolean delete(String name) throws IOException {
    if (getOrNull(name) == null) {
      return false;
    }
    kv.batch().delete(REFS, key(name)).commit(true);
    return true;
  }

  /** Null if a ref may point at this manifest, else why not. */
  RefUpdate refusalOrNull(ObjectId manifest) throws IOException {
    return switch (completeness.check(manifest).verdict()) {
      case COMPLETE -> null;
      case MISSING_OBJECT -> RefUpdate.REJECTED_MISSING_OBJECT;
      case NOT_A_MANIFEST -> RefUpdate.REJECTED_NOT_A_MANIFEST;
    };
  }

  static void checkRefPart(String what, String name) {
    if (name == null || name.isEmpty() || name.length() > 200
        || !name.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
            || c == '.' || c == '_' || c == '-')) {
      throw new IllegalArgumentException(what + " must be 1 to 200 of a-z, A-Z, 0-9, '.', '_', '-': " + name);
    }
  }

  // ---- history ----

  /** Adds a flip's history record to {@code batch}; the caller holds the flip lock. */
  HistoryRecord appendHistory(KeyValueStore.Batch batch, long time, ObjectId from, ObjectId to, String reason, Actor who) {
    HistoryRecord r = new HistoryRecord(nextHistorySeq, time, from, to, reason, who);
    batch.put(HISTORY, ByteBuffer.allocate(8).putLong(r.seq()).array(), r.encode());
    return r;
  }

  /** Called after the batch holding {@link #appendHistory}'s record committed. */
  void historyCommitted(HistoryRecord r) {
    nextHistorySeq = r.seq() + 1;
  }

  /** All flips, oldest first. */
  public List<HistoryRecord> history() throws IOException {
    List<HistoryRecord> out = new ArrayList<>();
    kv.scan(HISTORY, new byte[0], (k, v) -> {
      out.add(HistoryRecord.decode(v));
      return true;
    });
    return out;
  }

  // ---- the version index ----

  /**
   * Records a manifest this repository made or accepted: it becomes resolvable by id prefix,
   * counts towards "the newest N versions" that gc keeps, and its label (if any) names it.
   */
  void registerVersion(KeyValueStore.Batch batch, ObjectId id, Manifest m) throws IOException {
    batch.put(VERSIONS, id.toRaw(), new VersionEntry(id, m.createdMillis(), m.sequence(), takeVersionOrder()).encode());
    if (!m.label().isEmpty()) {
      batch.put(REFS, key(LABEL_PREFIX + m.label()), id.toRaw());
    }
  }

  /** Registers a version that arrived some other way (a pull); its objects must be complete. */
  public RefUpdate registerVersion(ObjectId id, Manifest m) throws IOException {
    synchronized (this) {
      RefUpdate refused = refusalOrNull(id);
      if (refused != null) {
        return refused;
      }
      KeyValueStore.Batch b = kv.batch();
      registerVersion(b, id, m);
      b.commit(true);
      return RefUpdate.OK;
    }
  }

  /** Known versions whose id starts with {@code hexPrefix} (lowercase hex, any length). */
  public List<ObjectId> versionsWithPrefix(String hexPrefix) throws IOException {
    byte[] bytePrefix = HexFormat.of().parseHex(hexPrefix.substring(0, hexPrefix.length() & ~1));
    List<ObjectId> out = new ArrayList<>();
    kv.scan(VERSIONS, bytePrefix, (k, v) -> {
      ObjectId id = ObjectId.fromRaw(k);
      if (id.name().startsWith(hexPrefix)) {
        out.add(id);
      }
      return true;
    });
    return out;
  }

  /**
   * Known versions, newest first: the one this repository registered last (made, imported or
   * pulled) first, whatever the clock said when it was made. A clock set back (a laptop's dead
   * clock battery, an origin without a time server) dates a new version years early; ordered by
   * that date, gc's "newest N" would have removed the import just made. Versions registered
   * before this order was kept come after, by creation time, then sequence.
   */
  public List<ObjectId> versionsNewestFirst() throws IOException {
    List<VersionEntry> all = new ArrayList<>();
    kv.scan(VERSIONS, new byte[0], (k, v) -> {
      all.add(VersionEntry.decode(k, v));
      return true;
    });
    all.sort(Comparator.comparingLong(VersionEntry::order).thenComparingLong(VersionEntry::created)
        .thenComparingLong(VersionEntry::sequence).reversed());
    return all.stream().map(VersionEntry::id).toList();
  }

  /** Forgets versions gc removed. */
  void unregisterVersions(KeyValueStore.Batch batch, Iterable<ObjectId> ids) throws IOException {
    Map<String, ObjectId> labels = labels();
    for (ObjectId id : ids) {
      batch.delete(VERSIONS, id.toRaw());
      labels.forEach((l, target) -> {
        if (target.equals(id)) {
          batch.delete(REFS, key(LABEL_PREFIX + l));
        }
      });
    }
  }

  KeyValueStore kv() {
    return kv;
  }
}
