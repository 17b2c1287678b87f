package org.casfs.tools;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.casfs.cas.Manifest;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.store.ObjectInfo;
import org.casfs.cas.store.Repository;

/**
 * Resolves what a user types for a VERSION (DESIGN.md "The command line"): a manifest id, a
 * unique prefix of one (at least 4 hex digits), a label, or {@code current} / {@code latest},
 * each optionally followed by {@code ~N} (N parents back). Failures are {@link CliException}s
 * with exit code 2 that say what was typed and what exists. Not thread-safe.
 */
public final class Versions {
  static final int MIN_PREFIX = 4;
  private final Repository repo;
  private List<Version> all;

  /** A manifest and its id. */
  public record Version(ObjectId id, Manifest manifest) {}

  public Versions(Repository repo) {
    this.repo = repo;
  }

  /** The manifest id the user means. */
  public ObjectId resolve(String spec) throws IOException {
    String base = spec;
    int back = 0;
    int tilde = spec.lastIndexOf('~');
    if (tilde > 0) {
      base = spec.substring(0, tilde);
      String n = spec.substring(tilde + 1);
      try {
        back = n.isEmpty() ? 1 : Integer.parseInt(n);
      } catch (NumberFormatException e) {
        throw CliException.usage("bad version '" + spec + "': after '~' comes a number of versions back");
      }
      if (back < 0) {
        throw CliException.usage("bad version '" + spec + "': the number after '~' must not be negative");
      }
    }
    ObjectId id = resolveBase(base);
    for (int i = 0; i < back; i++) {
      ObjectId parent = repo.objectDatabase().readManifest(id).parent();
      if (parent == null) {
        throw CliException.usage("version '" + spec + "' does not exist: " + base + " has only " + i
            + " older version(s); see 'casfs log'");
      }
      id = parent;
    }
    return id;
  }

  /** The newest version by sequence, then creation time; null in an empty repository. */
  public Version newestOrNull() throws IOException {
    return all().stream()
        .max(Comparator.comparingLong((Version v) -> v.manifest().sequence())
            .thenComparingLong(v -> v.manifest().createdMillis())
            .thenComparing(Version::id))
        .orElse(null);
  }

  /** The objects whose id starts with {@code hexPrefix}, of any type. */
  public List<ObjectInfo> objectsWithPrefix(String hexPrefix) throws IOException {
    List<ObjectInfo> found = new ArrayList<>();
    repo.objects().forEach(info -> {
      String name = info.id().name();
      int c = name.regionMatches(0, hexPrefix, 0, hexPrefix.length()) ? 0 : name.compareTo(hexPrefix);
      if (c == 0) {
        found.add(info);
      }
      return c <= 0; // ids come in ascending order: stop after the prefix's range
    });
    return found;
  }

  /** True if {@code s} could be an object id or a prefix of one. */
  public static boolean looksLikeId(String s) {
    return s.length() >= MIN_PREFIX && s.length() <= 40 && s.chars().allMatch(
        c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f');
  }

  private ObjectId resolveBase(String base) throws IOException {
    if (base.equals("current") || base.equals("latest")) {
      Version v = newestOrNull();
      if (v == null) {
        throw CliException.usage("no versions yet; run 'casfs import DIR' first");
      }
      return v.id();
    }
    if (looksLikeId(base)) {
      List<ObjectInfo> hits = new ArrayList<>();
      for (ObjectInfo info : objectsWithPrefix(base)) {
        if (info.type() == ObjectType.MANIFEST) {
          hits.add(info);
        }
      }
      if (hits.size() == 1) {
        return hits.get(0).id();
      }
      if (hits.size() > 1) {
        throw CliException.usage("version prefix '" + base + "' is ambiguous (" + hits.size()
            + " versions start with it); type more digits");
      }
    }
    Version labelled = null;
    for (Version v : all()) {
      if (v.manifest().label().equals(base) && (labelled == null
          || v.manifest().sequence() > labelled.manifest().sequence())) {
        labelled = v;
      }
    }
    if (labelled != null) {
      return labelled.id();
    }
    throw CliException.usage("unknown version '" + base
        + "'; give a version id, a unique prefix of one, a label or 'current' (see 'casfs log')");
  }

  /** Every manifest in the store. */
  public List<Version> all() throws IOException {
    if (all == null) {
      List<Version> list = new ArrayList<>();
      repo.objects().forEach(info -> {
        if (info.type() == ObjectType.MANIFEST) {
          list.add(new Version(info.id(), repo.objectDatabase().readManifest(info.id())));
        }
        return true;
      });
      all = list;
    }
    return all;
  }
}
