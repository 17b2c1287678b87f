package org.casfs.sync.trust;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * The public keys this machine trusts, one file {@code KEYID.pub} per key in {@code REPO/keys/},
 * each holding the key's one-line text form. Adding or removing a key changes its file durably
 * (temp file, fsync, rename; unlink, fsync of the directory). The keys are read again whenever
 * the directory changed since they were read, so a daemon that holds this store sees a key that
 * {@code casfs trust} added or removed at its next verification, without a restart: a revoked key
 * stops being trusted at once. Thread-safe.
 */
public final class TrustStore {
  private final Path dir;
  private final Map<String, PublicKey> keys = new TreeMap<>();
  /** The directory's modification time when {@link #keys} were read; null if it did not exist. */
  private FileTime readAt;

  private TrustStore(Path dir) {
    this.dir = dir;
  }

  /** Loads every {@code *.pub} in {@code dir}; a damaged key file is an error naming it. */
  public static TrustStore open(Path dir) throws IOException {
    TrustStore t = new TrustStore(dir);
    synchronized (t) {
      t.read();
    }
    return t;
  }

  private void read() throws IOException {
    FileTime stamp = Files.isDirectory(dir) ? Files.getLastModifiedTime(dir) : null;
    Map<String, PublicKey> found = new TreeMap<>();
    if (stamp != null) {
      try (var files = Files.newDirectoryStream(dir, "*.pub")) {
        for (Path f : files) {
          try {
            PublicKey k = PublicKey.parse(Files.readString(f, StandardCharsets.US_ASCII));
            found.put(k.keyId(), k);
          } catch (IllegalArgumentException e) {
            throw new IOException("trusted key file " + f + " is damaged: " + e.getMessage()
                + "; remove it and run 'casfs trust KEY' again");
          } catch (NoSuchFileException removedMeanwhile) {
            // another process removed it while this one listed the directory
          }
        }
      }
    }
    keys.clear();
    keys.putAll(found);
    readAt = stamp;
  }

  /** Reads the keys again if the directory changed since they were read. */
  private void refresh() throws IOException {
    FileTime now = Files.isDirectory(dir) ? Files.getLastModifiedTime(dir) : null;
    if (!java.util.Objects.equals(now, readAt)) {
      read();
    }
  }

  /** Trusts {@code key} from now on (idempotent). Returns whether it was new. */
  public synchronized boolean add(PublicKey key) throws IOException {
    refresh();
    if (keys.containsKey(key.keyId())) {
      return false;
    }
    Files.createDirectories(dir);
    Path target = dir.resolve(key.keyId() + ".pub");
    Path tmp = dir.resolve("." + key.keyId() + ".pub.tmp");
    Files.write(tmp, key.textBytes(), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE, StandardOpenOption.SYNC);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDir();
    read();
    return true;
  }

  /**
   * Stops trusting the key with this id (revocation; idempotent). Returns the key, or null if it
   * was not trusted.
   */
  public synchronized PublicKey remove(String keyId) throws IOException {
    refresh();
    PublicKey k = keys.get(keyId);
    if (k == null) {
      return null;
    }
    Files.deleteIfExists(dir.resolve(keyId + ".pub"));
    syncDir();
    read();
    return k;
  }

  private void syncDir() throws IOException {
    try (var ch = java.nio.channels.FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  public synchronized List<PublicKey> keys() throws IOException {
    refresh();
    return new ArrayList<>(keys.values());
  }

  public synchronized boolean isEmpty() throws IOException {
    refresh();
    return keys.isEmpty();
  }

  /**
   * Checks that at least one signature over {@code domain || message} is valid and by a trusted
   * key; returns that key's id.
   *
   * @param what names the signed thing in messages ("head of channel stable", "manifest 12ab…")
   * @throws SignatureException UNSIGNED, UNTRUSTED_KEY or BAD_SIGNATURE, saying which keys signed
   */
  public String verify(String what, SignatureDomain domain, byte[] message, List<Signature> sigs)
      throws SignatureException {
    if (sigs.isEmpty()) {
      throw new SignatureException(SignatureException.Reason.UNSIGNED, what + " is not signed; refusing it");
    }
    synchronized (this) {
      try {
        refresh();
      } catch (IOException e) {
        throw new SignatureException(SignatureException.Reason.UNTRUSTED_KEY, what + ": the trusted keys in " + dir
            + " cannot be read (" + e.getMessage() + "); refusing it");
      }
    }
    List<String> untrusted = new ArrayList<>();
    List<String> invalid = new ArrayList<>();
    for (Signature s : sigs) {
      PublicKey k;
      synchronized (this) {
        k = keys.get(s.keyId());
      }
      if (k == null) {
        untrusted.add(s.keyId());
        continue;
      }
      if (valid(k, domain, message, s)) {
        return k.keyId();
      }
      invalid.add(s.keyId());
    }
    if (!invalid.isEmpty()) {
      throw new SignatureException(SignatureException.Reason.BAD_SIGNATURE, what + ": signature by trusted key "
          + invalid + " does not match the bytes (tampered in transit or by the source); refusing it");
    }
    throw new SignatureException(SignatureException.Reason.UNTRUSTED_KEY, what + " is signed only by key(s) "
        + untrusted + ", which this machine does not trust; if that is your origin, run 'casfs trust KEY'");
  }

  static boolean valid(PublicKey k, SignatureDomain domain, byte[] message, Signature s) {
    Ed25519Signer v = new Ed25519Signer();
    v.init(false, new Ed25519PublicKeyParameters(k.raw(), 0));
    byte[] d = domain.prefix();
    v.update(d, 0, d.length);
    v.update(message, 0, message.length);
    return v.verifySignature(s.bytes());
  }
}
