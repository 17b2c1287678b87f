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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * The public keys this machine trusts, one file {@code KEYID.pub} per key in {@code REPO/keys/},
 * each holding the key's one-line text form. Adding or removing a key changes its file durably
 * (temp file, fsync, rename; unlink, fsync of the directory). The keys are read again whenever
 * the directory changed since they were read, so a daemon that holds this store sees a key that
 * {@code casfs trust} added or removed at its next verification, without a restart: a revoked key
 * stops being trusted at once. {@code threshold} in the same directory says how many distinct
 * trusted keys must sign a head (TUF's threshold; 1 without the file); a damaged one refuses every
 * head until it is set again. Thread-safe.
 */
public final class TrustStore {
  /** The file in the keys directory that holds the threshold, one decimal number. */
  public static final String THRESHOLD_FILE = "threshold";
  private final Path dir;
  private final Map<String, PublicKey> keys = new TreeMap<>();
  /** How many distinct trusted keys must sign ({@value #THRESHOLD_FILE}; 1 without it). */
  private int threshold = 1;
  /** The modification times of the directory and the threshold file when they were read. */
  private List<FileTime> readAt;

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

  /**
   * What tells that the keys changed: the directory's modification time (keys come and go by
   * rename and unlink) and the threshold file's (an administrator may edit it in place).
   */
  private List<FileTime> stamp() throws IOException {
    if (!Files.isDirectory(dir)) {
      return null;
    }
    Path t = dir.resolve(THRESHOLD_FILE);
    return java.util.Arrays.asList(Files.getLastModifiedTime(dir),
        Files.exists(t) ? Files.getLastModifiedTime(t) : null);
  }

  private void read() throws IOException {
    List<FileTime> stamp = stamp();
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
    int required = 1;
    Path t = dir.resolve(THRESHOLD_FILE);
    if (stamp != null && Files.exists(t)) {
      String text = Files.readString(t, StandardCharsets.US_ASCII).strip();
      try {
        required = Integer.parseInt(text);
      } catch (NumberFormatException e) {
        required = 0;
      }
      if (required < 1) {
        throw new IOException("the threshold file " + t + " holds '" + text + "', not a number of keys of at least 1;"
            + " set it again with 'casfs trust --threshold N'");
      }
    }
    keys.clear();
    keys.putAll(found);
    threshold = required;
    readAt = stamp;
  }

  /** Reads the keys again if the directory changed since they were read. */
  private void refresh() throws IOException {
    if (!java.util.Objects.equals(stamp(), readAt)) {
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

  /**
   * From now on a head must carry valid signatures by at least {@code n} distinct trusted keys
   * (TUF's threshold: one stolen key cannot sign an update alone).
   */
  public synchronized void setThreshold(int n) throws IOException {
    if (n < 1) {
      throw new IllegalArgumentException("the threshold must be at least 1: " + n);
    }
    Files.createDirectories(dir);
    Path tmp = dir.resolve("." + THRESHOLD_FILE + ".tmp");
    Files.write(tmp, (n + "\n").getBytes(StandardCharsets.US_ASCII), StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
    Files.move(tmp, dir.resolve(THRESHOLD_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDir();
    read();
  }

  /** How many distinct trusted keys must sign. */
  public synchronized int threshold() throws IOException {
    refresh();
    return threshold;
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
   * Checks that the signatures over {@code domain || message} include valid ones by at least the
   * threshold's number of distinct trusted keys ({@link #setThreshold}, 1 by default); returns the
   * first such key's id. Signatures by unknown keys and invalid ones are not counted.
   *
   * @param what names the signed thing in messages ("head of channel stable", "manifest 12ab…")
   * @throws SignatureException UNSIGNED, UNTRUSTED_KEY (also: too few trusted signers) or
   *     BAD_SIGNATURE, saying which keys signed
   */
  public String verify(String what, SignatureDomain domain, byte[] message, List<Signature> sigs)
      throws SignatureException {
    if (sigs.isEmpty()) {
      throw new SignatureException(SignatureException.Reason.UNSIGNED, what + " is not signed; refusing it");
    }
    int required;
    synchronized (this) {
      try {
        refresh();
      } catch (IOException e) {
        throw new SignatureException(SignatureException.Reason.UNTRUSTED_KEY, what + ": the trusted keys in " + dir
            + " cannot be read (" + e.getMessage() + "); refusing it");
      }
      required = threshold;
    }
    List<String> untrusted = new ArrayList<>();
    List<String> invalid = new ArrayList<>();
    Set<String> signers = new LinkedHashSet<>();
    for (Signature s : sigs) {
      PublicKey k;
      synchronized (this) {
        k = keys.get(s.keyId());
      }
      if (k == null) {
        untrusted.add(s.keyId());
      } else if (signers.contains(k.keyId())) {
        continue; // one key counts once, however often it signed
      } else if (valid(k, domain, message, s)) {
        signers.add(k.keyId());
      } else {
        invalid.add(s.keyId());
      }
    }
    if (signers.size() >= required) {
      return signers.iterator().next();
    }
    if (!signers.isEmpty()) {
      throw new SignatureException(SignatureException.Reason.UNTRUSTED_KEY, what + " is signed by " + signers.size()
          + " trusted key(s) " + signers + " but this machine requires " + required
          + "; ask another administrator of the origin to add theirs ('casfs sign --cosign')");
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
