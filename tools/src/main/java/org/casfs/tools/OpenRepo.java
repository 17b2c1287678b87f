package org.casfs.tools;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.store.ObjectInfo;
import org.casfs.cas.store.Repository;
import org.casfs.txn.VersionException;
import org.casfs.txn.Versions;

/**
 * A repository opened by a command, with its txn layer (refs, root pointer, resolver). Closing
 * releases both. Not thread-safe: one per command.
 */
public final class OpenRepo implements AutoCloseable {
  private final Repository repo;
  private final Versions versions;
  private final boolean borrowed;

  private OpenRepo(Repository repo, Versions versions, boolean borrowed) {
    this.repo = repo;
    this.versions = versions;
    this.borrowed = borrowed;
  }

  /** Wraps an opened repository (closed again if the txn layer fails to start). */
  public static OpenRepo of(Repository repo) throws IOException {
    try {
      return new OpenRepo(repo, Versions.of(repo), false);
    } catch (IOException | RuntimeException e) {
      repo.close();
      throw e;
    }
  }

  /** A view of this open repository whose {@link #close} leaves it open (a daemon lends it to a command). */
  public OpenRepo borrowed() {
    return new OpenRepo(repo, versions, true);
  }

  public Repository repo() {
    return repo;
  }

  /** Refs, root pointer, resolver and transactions of this repository. */
  public Versions txn() {
    return versions;
  }

  /** The manifest a VERSION argument names (DESIGN.md "The command line"). */
  public ObjectId resolve(String version) throws IOException, VersionException {
    return versions.resolver().resolve(version);
  }

  /** The newest known version (by creation time), else current, else null. */
  public ObjectId newestOrCurrentOrNull() throws IOException {
    List<ObjectId> all = versions.refs().versionsNewestFirst();
    return all.isEmpty() ? versions.refs().currentOrNull() : all.get(0);
  }

  /** Objects of any type whose id starts with {@code hexPrefix}, in id order. */
  public List<ObjectInfo> objectsWithPrefix(String hexPrefix) throws IOException {
    List<ObjectInfo> found = new ArrayList<>();
    repo.objects().forEach(info -> {
      String name = info.id().name();
      if (name.startsWith(hexPrefix)) {
        found.add(info);
        return true;
      }
      return name.compareTo(hexPrefix) < 0; // ascending ids: past the prefix's range, stop
    });
    return found;
  }

  /**
   * What fsck checks: the versions (every ref and every version in the index), which must be
   * whole, and the other manifests in the store, which may be unfinished (a pull that stopped half
   * way, what an interrupted gc left).
   */
  public record CheckRoots(Set<ObjectId> versions, List<ObjectId> unfinished) {}

  public CheckRoots checkRoots() throws IOException {
    Set<ObjectId> versions = new LinkedHashSet<>(this.versions.refs().all().values());
    versions.addAll(this.versions.refs().versionsNewestFirst());
    List<ObjectId> unfinished = new ArrayList<>();
    repo.objects().forEach(info -> {
      if (info.type() == ObjectType.MANIFEST && !versions.contains(info.id())) {
        unfinished.add(info.id());
      }
      return true;
    });
    return new CheckRoots(versions, unfinished);
  }

  /** True if {@code s} could be an object id or a prefix of one (4 to 40 lowercase hex digits). */
  public static boolean looksLikeId(String s) {
    return s.length() >= 4 && s.length() <= 40 && s.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f');
  }

  @Override
  public void close() throws IOException {
    if (borrowed) {
      return;
    }
    Versions.release(repo);
    repo.close();
  }
}
