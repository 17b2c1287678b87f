package org.casfs.cas.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.casfs.cas.Manifest;

/**
 * The repository's settings, kept as {@code key=value} lines in {@code REPO/config}.
 *
 * @param channel the update channel this machine follows
 * @param keepVersions how many newest versions gc keeps besides the refs
 * @param inlineThreshold blobs up to this many bytes live in RocksDB; larger ones as loose files
 * @param treeCacheBytes memory for decoded trees
 * @param blobCacheBytes memory for hot small objects
 * @param blockCacheBytes RocksDB's block cache
 */
public record RepoConfig(String channel, int keepVersions, int inlineThreshold, long treeCacheBytes,
    long blobCacheBytes, long blockCacheBytes) {
  public static final String FORMAT = "casfs-1";

  public RepoConfig {
    if (!Manifest.validChannel(channel)) {
      throw new IllegalArgumentException("channel must be 1 to 64 characters of a-z, A-Z, 0-9, '.', '_', '-', '/': " + channel);
    }
    if (keepVersions < 1) {
      throw new IllegalArgumentException("keep must be at least 1: " + keepVersions);
    }
    if (inlineThreshold < 0 || inlineThreshold > 16 * 1024 * 1024) {
      throw new IllegalArgumentException("inline threshold must be 0 to 16 MiB: " + inlineThreshold);
    }
    if (treeCacheBytes < 0 || blobCacheBytes < 0 || blockCacheBytes < 1024 * 1024) {
      throw new IllegalArgumentException("cache sizes must not be negative (block cache at least 1 MiB)");
    }
  }

  public static RepoConfig defaults() {
    return new RepoConfig("stable", 3, 16 * 1024, 64L << 20, 32L << 20, 32L << 20);
  }

  public RepoConfig withChannel(String newChannel) {
    return new RepoConfig(newChannel, keepVersions, inlineThreshold, treeCacheBytes, blobCacheBytes, blockCacheBytes);
  }

  public RepoConfig withInlineThreshold(int bytes) {
    return new RepoConfig(channel, keepVersions, bytes, treeCacheBytes, blobCacheBytes, blockCacheBytes);
  }

  public RepoConfig withKeepVersions(int n) {
    return new RepoConfig(channel, n, inlineThreshold, treeCacheBytes, blobCacheBytes, blockCacheBytes);
  }

  void write(Path file) throws IOException {
    String text = "format=" + FORMAT + "\n"
        + "channel=" + channel + "\n"
        + "keep=" + keepVersions + "\n"
        + "inline-threshold=" + inlineThreshold + "\n"
        + "tree-cache-bytes=" + treeCacheBytes + "\n"
        + "blob-cache-bytes=" + blobCacheBytes + "\n"
        + "block-cache-bytes=" + blockCacheBytes + "\n";
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Fsync.file(tmp);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Fsync.directory(file.getParent());
  }

  static RepoConfig read(Path file) throws IOException {
    Map<String, String> kv = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      line = line.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new NotARepositoryException(file + ": line is not key=value: " + line);
      }
      kv.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
    }
    if (!FORMAT.equals(kv.get("format"))) {
      throw new NotARepositoryException(file + ": format is " + kv.get("format") + ", this casfs reads " + FORMAT);
    }
    RepoConfig d = defaults();
    try {
      return new RepoConfig(
          kv.getOrDefault("channel", d.channel),
          (int) number(kv, "keep", d.keepVersions, Integer.MAX_VALUE),
          (int) number(kv, "inline-threshold", d.inlineThreshold, Integer.MAX_VALUE),
          number(kv, "tree-cache-bytes", d.treeCacheBytes, Long.MAX_VALUE),
          number(kv, "blob-cache-bytes", d.blobCacheBytes, Long.MAX_VALUE),
          number(kv, "block-cache-bytes", d.blockCacheBytes, Long.MAX_VALUE));
    } catch (IllegalArgumentException e) {
      throw new NotARepositoryException(file + ": " + e.getMessage() + " (edit that line, or remove it for the default)");
    }
  }

  private static long number(Map<String, String> kv, String key, long byDefault, long max) {
    String v = kv.get(key);
    if (v == null) {
      return byDefault;
    }
    try {
      long n = Long.parseLong(v);
      if (n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " is '" + v + "', not a whole number up to " + max);
    }
  }
}
