package org.casfs.txn;

import java.io.IOException;
import java.util.WeakHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.casfs.cas.store.Repository;

/**
 * The txn layer of one open repository: its {@link Refs}, the {@link RootPointer}, a
 * {@link VersionResolver} and the {@link Transactions}. Get it with {@link #of}: every caller in
 * a process shares one instance per {@code Repository}, which is what makes the root pointer's
 * in-process compare-and-set sufficient (the repository lock keeps other processes out).
 * Thread-safe.
 */
public final class Versions {
  // Weak: a closed and dropped Repository takes its instance with it (Repository uses identity equality).
  private static final Map<Repository, Versions> OPEN = new WeakHashMap<>();

  private final Repository repo;
  private final Completeness completeness;
  private final Refs refs;
  private final RootPointer rootPointer;
  private final VersionResolver resolver;
  private final Transactions transactions;

  private Versions(Repository repo, LongSupplier clockMillis) throws IOException {
    this.repo = repo;
    this.completeness = new Completeness(repo.objectDatabase(), repo.kv());
    this.refs = new Refs(repo.kv(), completeness);
    this.rootPointer = new RootPointer(refs, clockMillis);
    this.resolver = new VersionResolver(refs, repo.objectDatabase());
    this.transactions = new Transactions(repo, refs, clockMillis);
  }

  /** The shared instance for {@code repo}, made on first use. */
  public static Versions of(Repository repo) throws IOException {
    return of(repo, System::currentTimeMillis);
  }

  /** As {@link #of(Repository)} with a clock (tests); the clock counts only on first use. */
  public static synchronized Versions of(Repository repo, LongSupplier clockMillis) throws IOException {
    Versions v = OPEN.get(repo);
    if (v == null) {
      v = new Versions(repo, clockMillis);
      OPEN.put(repo, v);
    }
    return v;
  }

  /** Drops the shared instance of a repository that is being closed. */
  public static synchronized void release(Repository repo) {
    OPEN.remove(repo);
  }

  public Repository repository() {
    return repo;
  }

  public Refs refs() {
    return refs;
  }

  public RootPointer rootPointer() {
    return rootPointer;
  }

  public VersionResolver resolver() {
    return resolver;
  }

  public Transactions transactions() {
    return transactions;
  }

  public Completeness completeness() {
    return completeness;
  }
}
