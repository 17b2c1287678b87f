package org.casfs.sync.trust;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.casfs.cas.store.Fsync;

/**
 * An origin's Ed25519 private key (Bouncy Castle). The key file holds one line,
 * {@code casfs-ed25519-private:} + base64 of the 32-byte seed, and is created owner-only (0600)
 * from the start, never widened afterwards. Thread-safe (each signature uses its own signer).
 */
public final class SigningKey {
  static final String PREFIX = "casfs-ed25519-private:";

  private final Ed25519PrivateKeyParameters key;
  private final PublicKey publicKey;

  private SigningKey(Ed25519PrivateKeyParameters key) {
    this.key = key;
    this.publicKey = PublicKey.fromRaw(key.generatePublicKey().getEncoded());
  }

  public static SigningKey generate() {
    return new SigningKey(new Ed25519PrivateKeyParameters(new SecureRandom()));
  }

  public static SigningKey fromSeed(byte[] seed) {
    if (seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
      throw new IllegalArgumentException("an Ed25519 private key is 32 bytes, got " + seed.length);
    }
    return new SigningKey(new Ed25519PrivateKeyParameters(seed, 0));
  }

  /** Writes the key to a new file readable by its owner only; refuses to overwrite. */
  public void writeTo(Path file) throws IOException {
    if (Files.exists(file)) {
      throw new FileAlreadyExistsException(file.toString(), null,
          "a key file is already there; remove it first or choose another path");
    }
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    byte[] text = (PREFIX + Base64.getEncoder().encodeToString(key.getEncoded()) + "\n")
        .getBytes(StandardCharsets.US_ASCII);
    // Whole or not at all: written and synced under a temporary name, then linked to its own, which
    // fails if a key is there (a rename would replace it). A keygen stopped half way (a power cut)
    // left an empty key file, which sign refused and keygen would not replace.
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp", PosixFilePermissions.asFileAttribute(
        Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
    try {
      Files.write(tmp, text, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
      Files.createLink(file, tmp);
    } finally {
      Files.deleteIfExists(tmp);
    }
    Fsync.directory(dir);
  }

  /** Reads a key file written by {@link #writeTo}; refuses a file that others may read. */
  public static SigningKey readFrom(Path file) throws IOException {
    var perms = Files.getPosixFilePermissions(file);
    for (var p : perms) {
      if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
        throw new IOException("private key " + file + " is readable by others (" + PosixFilePermissions.toString(perms)
            + "); run 'chmod 600 " + file + "'");
      }
    }
    String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    if (!text.startsWith(PREFIX)) {
      throw new IOException(file + " is not a casfs private key (it should start with '" + PREFIX + "')");
    }
    try {
      return fromSeed(Base64.getDecoder().decode(text.substring(PREFIX.length())));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + " holds a damaged private key: " + e.getMessage());
    }
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  /** Signs {@code domain || message}; the domain keeps a head's signature from passing as a manifest's. */
  public Signature sign(SignatureDomain domain, byte[] message) {
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, key);
    byte[] d = domain.prefix();
    signer.update(d, 0, d.length);
    signer.update(message, 0, message.length);
    return new Signature(publicKey.keyId(), signer.generateSignature());
  }
}
