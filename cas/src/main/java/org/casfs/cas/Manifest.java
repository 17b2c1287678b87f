package org.casfs.cas;

import java.util.Objects;

/**
 * One version of a whole image: the root tree (by SHA-1 and SHA-256), the root directory's
 * metadata, the channel and sequence number it was published under, a label, the parent version
 * and when it was made.
 *
 * @param parent the previous version, or null for the first
 * @param createdMillis creation time, milliseconds since the epoch
 */
public record Manifest(Hashes root, Metadata rootMeta, String channel, long sequence, String label,
    ObjectId parent, long createdMillis) {
  public static final int MAX_CHANNEL = 64;
  public static final int MAX_LABEL = 256;

  public Manifest {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(rootMeta, "rootMeta");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(label, "label");
    if (!validChannel(channel)) {
      throw new IllegalArgumentException(
          "channel must be 1 to 64 characters of a-z, A-Z, 0-9, '.', '_', '-' and '/': " + channel);
    }
    if (label.length() > MAX_LABEL || label.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException("label must be at most 256 printable characters");
    }
    // An unpaired surrogate would be written as '?': the decoded label would differ.
    for (int i = 0; i < label.length(); i++) {
      char c = label.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < label.length() && Character.isLowSurrogate(label.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException("label has an unpaired surrogate at " + i + ", not valid Unicode");
      }
    }
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence must not be negative: " + sequence);
    }
  }

  public static boolean validChannel(String channel) {
    return channel != null && !channel.isEmpty() && channel.length() <= MAX_CHANNEL
        && channel.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
            || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' || c == '/');
  }

  public ObjectId rootId() {
    return root.id();
  }

  public Manifest withLabel(String newLabel) {
    return new Manifest(root, rootMeta, channel, sequence, newLabel, parent, createdMillis);
  }

  public Manifest withSequence(long newSequence) {
    return new Manifest(root, rootMeta, channel, newSequence, label, parent, createdMillis);
  }
}
