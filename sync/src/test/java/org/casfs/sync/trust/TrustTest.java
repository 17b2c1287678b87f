package org.casfs.sync.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.casfs.cas.Hashes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustTest {
  @TempDir Path tmp;
  private final Hashes manifest = Hashes.of("manifest".getBytes());

  private Head head(String channel, long seq, long expires, SigningKey k) {
    return new Head(channel, seq, manifest, 1000, expires, k.publicKey().keyId());
  }

  @Test
  void privateKeyFileIsOwnerOnlyAndRoundTrips() throws Exception {
    SigningKey k = SigningKey.generate();
    Path f = tmp.resolve("origin.key");
    k.writeTo(f);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
    try (var left = Files.list(tmp)) {
      assertThat(left.toList()).as("written under a temporary name, then linked: nothing else left").containsExactly(f);
    }
    assertThat(SigningKey.readFrom(f).publicKey()).isEqualTo(k.publicKey());
    assertThatThrownBy(() -> k.writeTo(f)).hasMessageContaining("already there");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> SigningKey.readFrom(f)).hasMessageContaining("readable by others");
  }

  @Test
  void publicKeyTextIsOneLineAndParses() {
    PublicKey p = SigningKey.generate().publicKey();
    assertThat(p.text()).startsWith("ed25519:").doesNotContain("\n");
    assertThat(PublicKey.parse(p.text() + "\n")).isEqualTo(p);
    assertThatThrownBy(() -> PublicKey.parse("rsa:AAAA")).hasMessageContaining("ed25519:");
    assertThatThrownBy(() -> PublicKey.parse("ed25519:AAAA")).hasMessageContaining("32 bytes");
  }

  @Test
  void trustStorePersistsKeysAndVerifies() throws Exception {
    SigningKey origin = SigningKey.generate();
    SigningKey stranger = SigningKey.generate();
    TrustStore t = TrustStore.open(tmp.resolve("keys"));
    assertThat(t.add(origin.publicKey())).isTrue();
    assertThat(t.add(origin.publicKey())).isFalse();
    TrustStore reopened = TrustStore.open(tmp.resolve("keys"));
    assertThat(reopened.keys()).containsExactly(origin.publicKey());

    byte[] msg = "bytes".getBytes();
    Signature good = origin.sign(SignatureDomain.MANIFEST, msg);
    assertThat(reopened.verify("m", SignatureDomain.MANIFEST, msg, List.of(good))).isEqualTo(origin.publicKey().keyId());
    assertThatThrownBy(() -> reopened.verify("m", SignatureDomain.HEAD, msg, List.of(good)))
        .isInstanceOf(SignatureException.class).hasMessageContaining("does not match");
    assertThatThrownBy(() -> reopened.verify("m", SignatureDomain.MANIFEST, "bytez".getBytes(), List.of(good)))
        .satisfies(e -> assertThat(((SignatureException) e).reason()).isEqualTo(SignatureException.Reason.BAD_SIGNATURE));
    assertThatThrownBy(() -> reopened.verify("m", SignatureDomain.MANIFEST, msg,
        List.of(stranger.sign(SignatureDomain.MANIFEST, msg))))
        .satisfies(e -> assertThat(((SignatureException) e).reason()).isEqualTo(SignatureException.Reason.UNTRUSTED_KEY))
        .hasMessageContaining(stranger.publicKey().keyId()).hasMessageContaining("casfs trust");
    assertThatThrownBy(() -> reopened.verify("m", SignatureDomain.MANIFEST, msg, List.of()))
        .satisfies(e -> assertThat(((SignatureException) e).reason()).isEqualTo(SignatureException.Reason.UNSIGNED));
  }

  @Test
  void aKeyRemovedOrAddedThroughAnotherStoreCountsAtTheNextVerification() throws Exception {
    SigningKey old = SigningKey.generate();
    SigningKey rotated = SigningKey.generate();
    TrustStore daemon = TrustStore.open(tmp.resolve("keys")); // held for days by a running process
    TrustStore command = TrustStore.open(tmp.resolve("keys")); // what 'casfs trust' opens
    assertThat(command.add(old.publicKey())).isTrue();
    byte[] msg = "head".getBytes();
    assertThat(daemon.verify("h", SignatureDomain.HEAD, msg, List.of(old.sign(SignatureDomain.HEAD, msg))))
        .isEqualTo(old.publicKey().keyId());

    assertThat(command.add(rotated.publicKey())).isTrue();
    assertThat(command.remove(old.publicKey().keyId())).isEqualTo(old.publicKey());
    assertThat(command.remove(old.publicKey().keyId())).as("idempotent").isNull();
    assertThatThrownBy(() -> daemon.verify("h", SignatureDomain.HEAD, msg, List.of(old.sign(SignatureDomain.HEAD, msg))))
        .satisfies(e -> assertThat(((SignatureException) e).reason()).isEqualTo(SignatureException.Reason.UNTRUSTED_KEY));
    assertThat(daemon.verify("h", SignatureDomain.HEAD, msg, List.of(rotated.sign(SignatureDomain.HEAD, msg))))
        .isEqualTo(rotated.publicKey().keyId());
    assertThat(daemon.keys()).containsExactly(rotated.publicKey());
    assertThat(Files.exists(tmp.resolve("keys").resolve(old.publicKey().keyId() + ".pub"))).isFalse();
  }

  @Test
  void aThresholdCountsValidSignaturesByDistinctTrustedKeys() throws Exception {
    SigningKey a = SigningKey.generate();
    SigningKey b = SigningKey.generate();
    SigningKey stranger = SigningKey.generate();
    TrustStore t = TrustStore.open(tmp.resolve("keys"));
    t.add(a.publicKey());
    t.add(b.publicKey());
    TrustStore daemon = TrustStore.open(tmp.resolve("keys"));
    t.setThreshold(2);
    assertThat(daemon.threshold()).as("a running daemon sees it").isEqualTo(2);
    byte[] msg = "head".getBytes();
    Signature sa = a.sign(SignatureDomain.HEAD, msg);
    Signature sb = b.sign(SignatureDomain.HEAD, msg);
    assertThatThrownBy(() -> daemon.verify("h", SignatureDomain.HEAD, msg, List.of(sa)))
        .satisfies(e -> assertThat(((SignatureException) e).reason()).isEqualTo(SignatureException.Reason.UNTRUSTED_KEY))
        .hasMessageContaining("requires 2");
    assertThatThrownBy(() -> daemon.verify("h", SignatureDomain.HEAD, msg, List.of(sa, sa)))
        .as("one key twice is one signer").hasMessageContaining("requires 2");
    assertThatThrownBy(() -> daemon.verify("h", SignatureDomain.HEAD, msg,
        List.of(sa, stranger.sign(SignatureDomain.HEAD, msg)))).hasMessageContaining("requires 2");
    assertThatThrownBy(() -> daemon.verify("h", SignatureDomain.HEAD, msg,
        List.of(sa, b.sign(SignatureDomain.HEAD, "other".getBytes())))).as("an invalid one does not count")
        .hasMessageContaining("requires 2");
    assertThat(daemon.verify("h", SignatureDomain.HEAD, msg, List.of(sb, sa))).isEqualTo(b.publicKey().keyId());
    t.setThreshold(1);
    assertThat(daemon.verify("h", SignatureDomain.HEAD, msg, List.of(sa))).isEqualTo(a.publicKey().keyId());
    java.nio.file.Files.writeString(tmp.resolve("keys").resolve(TrustStore.THRESHOLD_FILE), "two\n");
    assertThatThrownBy(() -> daemon.verify("h", SignatureDomain.HEAD, msg, List.of(sa)))
        .as("a damaged threshold refuses rather than guesses").hasMessageContaining("threshold");
  }

  @Test
  void headEncodingIsCanonicalAndStrict() throws Exception {
    SigningKey k = SigningKey.generate();
    Head h = head("stable", 7, 5000, k);
    assertThat(Head.decode(h.encode())).isEqualTo(h);
    byte[] longer = java.util.Arrays.copyOf(h.encode(), h.encode().length + 1);
    assertThatThrownBy(() -> Head.decode(longer)).hasMessageContaining("trailing");
    byte[] shorter = java.util.Arrays.copyOf(h.encode(), 30);
    assertThatThrownBy(() -> Head.decode(shorter)).hasMessageContaining("truncated");
    SignedHead s = SignedHead.sign(h, k);
    SignedHead parsed = SignedHead.parse(s.encode());
    assertThat(parsed.headUnverified()).isEqualTo(h);
    assertThat(parsed.signatures()).isEqualTo(s.signatures());
    assertThatThrownBy(() -> SignedHead.parse("<html>".getBytes())).hasMessageContaining("not a casfs head");
  }

  @Test
  void verifierRefusesEachThreatWithItsReason() throws Exception {
    SigningKey origin = SigningKey.generate();
    TrustStore t = TrustStore.open(tmp.resolve("keys"));
    t.add(origin.publicKey());
    long[] now = {2000};
    HeadVerifier v = new HeadVerifier(t, "stable", () -> now[0]);

    assertThat(v.verify(SignedHead.sign(head("stable", 5, 5000, origin), origin), 4).sequence()).isEqualTo(5);
    assertReason(() -> v.verify(SignedHead.sign(head("testing", 5, 5000, origin), origin), 4),
        SignatureException.Reason.WRONG_CHANNEL);
    assertReason(() -> v.verify(SignedHead.sign(head("stable", 4, 5000, origin), origin), 4),
        SignatureException.Reason.NOT_NEWER);
    assertReason(() -> v.verify(SignedHead.sign(head("stable", 3, 5000, origin), origin), 4),
        SignatureException.Reason.NOT_NEWER);
    now[0] = 6000;
    assertReason(() -> v.verify(SignedHead.sign(head("stable", 5, 5000, origin), origin), 4),
        SignatureException.Reason.EXPIRED);
    now[0] = 2000;
    // Fast-forward: an old valid head whose sequence is raised in transit no longer verifies.
    SignedHead old = SignedHead.sign(head("stable", 2, 5000, origin), origin);
    byte[] forged = head("stable", 99, 5000, origin).encode();
    assertReason(() -> v.verify(new SignedHead(forged, old.signatures()), 4), SignatureException.Reason.BAD_SIGNATURE);
    assertReason(() -> v.verify(new SignedHead(old.headBytes(), List.of()), 1), SignatureException.Reason.UNSIGNED);
  }

  private static void assertReason(org.assertj.core.api.ThrowableAssert.ThrowingCallable c, SignatureException.Reason r) {
    assertThatThrownBy(c).isInstanceOf(SignatureException.class)
        .satisfies(e -> assertThat(((SignatureException) e).reason()).isEqualTo(r));
  }
}
