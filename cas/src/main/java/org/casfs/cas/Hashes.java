package org.casfs.cas;

/** Both names of some bytes: the SHA-1 id and the SHA-256 that signatures bind. */
public record Hashes(ObjectId id, Sha256 sha256) {
  public Hashes {
    if (id == null || sha256 == null) {
      throw new NullPointerException("both hashes are required");
    }
  }

  // Written out: a record's generated equals goes through an invokedynamic bootstrap that costs
  // microseconds per call until the JIT compiles it, and a pull compares thousands of these.
  @Override
  public boolean equals(Object o) {
    return o instanceof Hashes other && id.equals(other.id) && sha256.equals(other.sha256);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  /** Hashes {@code bytes} in one pass. */
  public static Hashes of(byte[] bytes) {
    return of(bytes, 0, bytes.length);
  }

  public static Hashes of(byte[] bytes, int offset, int length) {
    DualDigest d = new DualDigest();
    d.update(bytes, offset, length);
    return d.finish();
  }
}
