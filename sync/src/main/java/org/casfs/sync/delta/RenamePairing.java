package org.casfs.sync.delta;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the old file a new file most likely grew from when its path is new: updates rename files
 * and whole directories by version ({@code libfoo.so.1.2 -> libfoo.so.1.3},
 * {@code /lib/modules/6.1.0-50-amd64/ -> /lib/modules/6.1.0-56-amd64/}), and pairing by path alone
 * would send those whole.
 *
 * <p>The heuristic, in order; each old file is used at most once, closest size first:
 * <ol>
 *   <li><b>Version-agnostic key.</b> Every version-like run of digits (starting a component or
 *       after {@code . - + ~}; see {@link #versionAgnosticKey}) becomes {@code #}: {@code /usr/lib/libfoo.so.1.2 -> /usr/lib/libfoo.so.#.#},
 *       {@code /lib/modules/6.1.0-50-amd64/x.ko -> /lib/modules/#.#.#-#-amd64/x.ko}. A new file is
 *       paired with the unpaired old file of the same key whose size is closest.
 *   <li><b>Basename key and size.</b> Otherwise, an old file anywhere whose last component has the
 *       same version-agnostic key and whose size is within a factor of two (a file moved to
 *       another directory, perhaps also re-versioned).
 * </ol>
 * Only files that left their path are candidates (the caller passes removed files), so a file
 * that still exists is never taken as the base of another. Stateless; thread-safe.
 */
public final class RenamePairing {
  private RenamePairing() {}

  /** A file by path and size, with a caller's payload. */
  public record Candidate<T>(String path, long size, T value) {}

  /**
   * {@code path} with every version-like run of digits replaced by {@code #}: a run that starts a
   * component or follows {@code . - + ~}. Digits glued to letters or {@code _} are part of a name
   * ({@code amd64}, {@code libc6}, {@code x86_64}) and stay.
   */
  public static String versionAgnosticKey(String path) {
    StringBuilder sb = new StringBuilder(path.length());
    int i = 0;
    while (i < path.length()) {
      char c = path.charAt(i);
      char prev = i == 0 ? '/' : path.charAt(i - 1);
      boolean versionStart = prev == '/' || prev == '.' || prev == '-' || prev == '+' || prev == '~';
      if (isDigit(c) && versionStart) {
        sb.append('#');
        while (i < path.length() && isDigit(path.charAt(i))) {
          i++;
        }
      } else {
        sb.append(c);
        i++;
      }
    }
    return sb.toString();
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static String basename(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? path : path.substring(slash + 1);
  }

  /**
   * Pairs each added file with an old one, or leaves it out.
   *
   * @return for each paired added file, the old candidate it should be diffed against
   */
  public static <A, R> Map<Candidate<A>, Candidate<R>> pair(List<Candidate<A>> added, List<Candidate<R>> removed) {
    Map<String, List<Candidate<R>>> byKey = new HashMap<>();
    Map<String, List<Candidate<R>>> byBaseKey = new HashMap<>();
    for (Candidate<R> r : removed) {
      byKey.computeIfAbsent(versionAgnosticKey(r.path()), k -> new ArrayList<>()).add(r);
      byBaseKey.computeIfAbsent(versionAgnosticKey(basename(r.path())), k -> new ArrayList<>()).add(r);
    }
    Set<Candidate<R>> used = new HashSet<>();
    Map<Candidate<A>, Candidate<R>> result = new HashMap<>();
    List<Candidate<A>> unpaired = new ArrayList<>();
    for (Candidate<A> a : added) {
      Candidate<R> best = closest(a.size(), byKey.get(versionAgnosticKey(a.path())), used, Double.MAX_VALUE);
      if (best != null) {
        used.add(best);
        result.put(a, best);
      } else {
        unpaired.add(a);
      }
    }
    for (Candidate<A> a : unpaired) {
      Candidate<R> best = closest(a.size(), byBaseKey.get(versionAgnosticKey(basename(a.path()))), used, 2.0);
      if (best != null) {
        used.add(best);
        result.put(a, best);
      }
    }
    return result;
  }

  private static <R> Candidate<R> closest(long size, List<Candidate<R>> options, Set<Candidate<R>> used,
      double maxRatio) {
    if (options == null) {
      return null;
    }
    Candidate<R> best = null;
    for (Candidate<R> o : options) {
      if (used.contains(o) || ratio(size, o.size()) > maxRatio) {
        continue;
      }
      if (best == null || Math.abs(o.size() - size) < Math.abs(best.size() - size)) {
        best = o;
      }
    }
    return best;
  }

  private static double ratio(long a, long b) {
    long lo = Math.max(1, Math.min(a, b));
    long hi = Math.max(1, Math.max(a, b));
    return (double) hi / lo;
  }
}
