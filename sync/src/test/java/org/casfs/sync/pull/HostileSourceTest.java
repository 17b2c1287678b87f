package org.casfs.sync.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.casfs.cas.Entry;
import org.casfs.cas.Hashes;
import org.casfs.cas.Manifest;
import org.casfs.cas.Metadata;
import org.casfs.cas.Name;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.Tree;
import org.casfs.cas.TreeCodec;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.sync.Client;
import org.casfs.sync.HostileProxy;
import org.casfs.sync.Origin;
import org.casfs.sync.Publisher;
import org.casfs.sync.TestImages;
import org.casfs.sync.trust.Head;
import org.casfs.sync.trust.SignatureException;
import org.casfs.sync.trust.SignedHead;
import org.casfs.sync.trust.SigningKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each attack of the sync issue against a client: the pull fails (or, for a dropped stream,
 * resumes), refs do not change, nothing unverified is stored, and the error says what was wrong.
 */
class HostileSourceTest {
  @TempDir Path tmp;
  Origin origin;
  Client client;
  HostileProxy proxy;
  ObjectId v1;

  @BeforeEach
  void setUp() throws Exception {
    origin = new Origin(tmp.resolve("origin")).serve();
    client = new Client(tmp.resolve("client"), origin.key.publicKey());
    client.config = PullConfig.defaults().withAttempts(1);
    v1 = TestImages.version(origin.repo.objectDatabase(), "stable", 1, 7, 3, 10, 0, null);
    origin.publish(v1);
    proxy = new HostileProxy(origin.url());
  }

  @AfterEach
  void tearDown() throws Exception {
    proxy.close();
    client.close();
    origin.close();
  }

  private PullException refused(SignatureException.Reason reason) {
    PullException e = (PullException) org.assertj.core.api.Assertions.catchThrowable(() -> client.pull(proxy.url(), true));
    assertThat(e).isNotNull();
    assertThat(e.getCause()).isInstanceOf(SignatureException.class);
    assertThat(((SignatureException) e.getCause()).reason()).isEqualTo(reason);
    assertUntouched();
    return e;
  }

  private void assertUntouched() {
    try {
      assertThat(client.refs.changes).isEmpty();
      try (var s = Files.list(client.repo.dir().resolve("staging/tmp"))) {
        assertThat(s).isEmpty();
      }
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private Head headOf(SignedHead s) throws Exception {
    return s.headUnverified();
  }

  @Test
  void unsignedHead() throws Exception {
    proxy.head = new SignedHead(origin.state.offeredHeadOrNull().headBytes(), List.of()).encode();
    assertThat(refused(SignatureException.Reason.UNSIGNED)).hasMessageContaining("not signed");
    assertThat(client.repo.objects().contains(v1)).isFalse();
  }

  @Test
  void untrustedKey() throws Exception {
    SigningKey stranger = SigningKey.generate();
    Head h = headOf(origin.state.offeredHeadOrNull());
    Head hs = new Head(h.channel(), h.sequence(), h.manifest(), h.issuedMillis(), h.expiresMillis(), stranger.publicKey().keyId());
    proxy.head = SignedHead.sign(hs, stranger).encode();
    assertThat(refused(SignatureException.Reason.UNTRUSTED_KEY)).hasMessageContaining("does not trust");
  }

  @Test
  void tamperedHead() throws Exception {
    SignedHead good = origin.state.offeredHeadOrNull();
    byte[] bytes = good.headBytes();
    bytes[bytes.length - 40] ^= 1; // inside the expiry time
    proxy.head = new SignedHead(bytes, good.signatures()).encode();
    assertThat(refused(SignatureException.Reason.BAD_SIGNATURE)).hasMessageContaining("does not match");
  }

  @Test
  void forgedNewerSequenceOnAnOldHead() throws Exception {
    SignedHead old = origin.state.offeredHeadOrNull();
    Head h = headOf(old);
    Head forged = new Head(h.channel(), 1000, h.manifest(), h.issuedMillis(), h.expiresMillis(), h.keyId());
    proxy.head = new SignedHead(forged.encode(), old.signatures()).encode();
    refused(SignatureException.Reason.BAD_SIGNATURE);
  }

  @Test
  void wrongChannel() throws Exception {
    ObjectId other = TestImages.version(origin.repo.objectDatabase(), "testing", 5, 7, 1, 2, 0, null);
    origin.publish(other);
    assertThat(refused(SignatureException.Reason.WRONG_CHANNEL)).hasMessageContaining("'testing'");
  }

  /**
   * An older version is a rollback, refused. The version that runs, offered again, is nothing new:
   * the pull is done, up to date, and changes nothing (it was refused as a rollback too, so a cron
   * job pulling daily failed whenever there was no update).
   */
  @Test
  void anOlderSequenceIsARollbackAndTheVersionThatRunsIsUpToDate() throws Exception {
    SignedHead oldHead = origin.state.offeredHeadOrNull();
    client.pull(origin.url(), true);
    ObjectId v2 = TestImages.version(origin.repo.objectDatabase(), "stable", 2, 7, 3, 10, 0.2, v1);
    origin.publish(v2);
    client.pull(origin.url(), true);
    client.refs.changes.clear();
    proxy.head = oldHead.encode();
    assertThat(refused(SignatureException.Reason.NOT_NEWER)).hasMessageContaining("not newer");
    proxy.head = origin.state.offeredHeadOrNull().encode();
    Puller.Result same = client.pull(proxy.url(), true);
    assertThat(same.upToDate()).isTrue();
    assertThat(same.manifest()).isEqualTo(v2);
    assertThat(same.objectsFetched()).isZero();
    assertThat(same.switched()).isFalse();
    assertUntouched();
    assertThat(client.refs.current).isEqualTo(v2);
  }

  @Test
  void expiredHeadIsAFreeze() throws Exception {
    long past = System.currentTimeMillis() - Duration.ofDays(3).toMillis();
    new Publisher(origin.repo.objectDatabase(), origin.state, origin.key, () -> past).trustingThisClock()
        .publish(v1, Duration.ofDays(1)); // an old head, signed again as a replay would be
    assertThat(refused(SignatureException.Reason.EXPIRED)).hasMessageContaining("expired")
        .hasMessageContaining("this machine's clock says").hasMessageContaining("ask the origin to re-sign")
        .hasMessageContaining("set it");
  }

  @Test
  void tamperedManifest() throws Exception {
    proxy.fetchRefused = true;
    byte[] m = origin.repo.objects().read(v1);
    m[m.length - 1] ^= 1;
    proxy.objectAttacks.put(v1, HostileProxy.replace(m));
    assertThatThrownBy(() -> client.pull(proxy.url(), true)).isInstanceOf(PullException.class)
        .hasMessageContaining("signed head names").hasMessageContaining("tampered");
    assertUntouched();
    assertThat(client.repo.objects().contains(v1)).isFalse();
  }

  private Entry someBigBlob() throws Exception {
    ObjectDatabase db = origin.repo.objectDatabase();
    Manifest m = db.readManifest(v1);
    for (Entry d : db.readTree(m.rootId()).entries()) {
      for (Entry f : db.readTree(d.childId()).entries()) {
        if (f.isRegular() && f.size() > 100_000) {
          return f;
        }
      }
    }
    throw new AssertionError("no big blob in the test image");
  }

  @Test
  void objectBytesNotMatchingItsId() throws Exception {
    proxy.fetchRefused = true;
    Entry victim = someBigBlob();
    byte[] wrong = origin.repo.objects().read(victim.childId());
    wrong[wrong.length / 2] ^= 0x55;
    proxy.objectAttacks.put(victim.childId(), HostileProxy.replace(wrong));
    assertThatThrownBy(() -> client.pull(proxy.url(), true)).isInstanceOf(PullException.class)
        .hasMessageContaining(victim.childId().name()).hasMessageContaining("dropped");
    assertUntouched();
    assertThat(client.repo.objects().contains(victim.childId())).isFalse();
  }

  @Test
  void aBadSourceIsDroppedAndTheNextSourceCompletesThePull() throws Exception {
    proxy.fetchRefused = true;
    Entry victim = someBigBlob();
    proxy.objectAttacks.put(victim.childId(), HostileProxy.replace(new byte[(int) victim.size()]));
    RecordedNotes recorded = new RecordedNotes();
    List<String> notes = recorded.notes;
    Puller.Result r = client.puller().listener(recorded).pull(List.of(new HttpSource(proxy.url(), client.config), new HttpSource(origin.url(), client.config)), true);
    assertThat(r.manifest()).isEqualTo(v1);
    assertThat(notes).anyMatch(n -> n.contains(proxy.url()) && n.contains("dropped"));
    TestImages.verifyAll(client.repo.objectDatabase(), v1);
  }

  @Test
  void moreBytesThanDeclaredAreCutOff() throws Exception {
    proxy.fetchRefused = true;
    Entry victim = someBigBlob();
    proxy.objectAttacks.put(victim.childId(), HostileProxy.endless(1 << 20));
    assertThatThrownBy(() -> client.pull(proxy.url(), true)).isInstanceOf(PullException.class)
        .hasMessageContaining("more bytes than the tree entry declares");
    assertUntouched();
  }

  @Test
  void oneByteASecondIsGivenUpOnInBoundedTime() throws Exception {
    proxy.fetchRefused = true;
    client.config = client.config.withRate(1000, Duration.ofSeconds(1), Duration.ofSeconds(5));
    Entry victim = someBigBlob();
    proxy.objectAttacks.put(victim.childId(), HostileProxy.trickle(1000));
    long start = System.nanoTime();
    assertThatThrownBy(() -> client.pull(proxy.url(), true)).isInstanceOf(PullException.class)
        .hasMessageContaining("too slow");
    assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(15).toNanos());
    assertUntouched();
    assertThat(client.repo.objects().contains(victim.childId())).isFalse();
  }

  @Test
  void aConnectionDroppedMidStreamResumes() throws Exception {
    client.config = PullConfig.defaults().withAttempts(2);
    proxy.cutFetchAfter = 300_000;
    Puller.Result r = client.pull(proxy.url(), true);
    assertThat(r.manifest()).isEqualTo(v1);
    assertThat(client.refs.current).isEqualTo(v1);
    TestImages.verifyAll(client.repo.objectDatabase(), v1);
    // head, the cut stream, the resumed stream
    assertThat(proxy.requests.get()).isEqualTo(3);
  }

  private ObjectId versionWithEvilName(byte[] evil) throws Exception {
    ObjectDatabase db = origin.repo.objectDatabase();
    Metadata meta = Metadata.of(0644, 0, 0, 0);
    Hashes blob = db.store().insert(ObjectType.BLOB, "x".getBytes()).hashes();
    String placeholder = "z".repeat(evil.length);
    byte[] treeBytes = TreeCodec.encode(Tree.of(List.of(Entry.file(Name.of(placeholder), meta, 1, blob))));
    byte[] p = placeholder.getBytes();
    int at = indexOf(treeBytes, p);
    System.arraycopy(evil, 0, treeBytes, at, evil.length);
    Hashes evilTree = db.store().insert(ObjectType.TREE, treeBytes).hashes();
    Hashes root = db.writeTree(Tree.of(List.of(Entry.directory(Name.of("etc"), Metadata.of(0755, 0, 0, 0), evilTree))));
    return db.writeManifest(new Manifest(root, Metadata.of(0755, 0, 0, 0), "stable", 9, "evil", null, 1)).id();
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("placeholder not found");
  }

  @Test
  void treesNamingDotDotSlashOrNulAreRejectedBeforeWriting() throws Exception {
    // An honest server refuses to stream a tree that does not decode; a hostile one sends it.
    proxy.fetchRefused = true;
    for (byte[] evil : List.of("..".getBytes(), "a/b".getBytes(), new byte[] {'a', 0, 'b'})) {
      ObjectId m = versionWithEvilName(evil);
      origin.publish(m);
      ObjectId evilTree = origin.repo.objectDatabase().readTree(origin.repo.objectDatabase().readManifest(m).rootId())
          .entries().get(0).childId();
      assertThatThrownBy(() -> client.pull(proxy.url(), true)).isInstanceOf(PullException.class)
          .hasMessageContaining(evilTree.name()).hasMessageMatching("(?s).*name.*");
      assertUntouched();
      assertThat(client.repo.objects().contains(evilTree)).isFalse();
    }
  }

  @Test
  void declaredSizesLargerThanFreeDiskStopThePullBeforeDownloading() throws Exception {
    ObjectDatabase db = origin.repo.objectDatabase();
    Hashes phantom = Hashes.of("never sent".getBytes());
    Hashes root = db.writeTree(Tree.of(List.of(
        Entry.file(Name.of("huge.img"), Metadata.of(0644, 0, 0, 0), Entry.MAX_SIZE, phantom))));
    ObjectId m = db.writeManifest(new Manifest(root, Metadata.of(0755, 0, 0, 0), "stable", 3, "huge", null, 1)).id();
    origin.publish(m);
    assertThatThrownBy(() -> client.pull(origin.url(), true)).isInstanceOf(PullException.class)
        .hasMessageContaining("needs " + org.casfs.cas.Sizes.bytes(Entry.MAX_SIZE) + " more").hasMessageContaining("free")
        .satisfies(e -> assertThat(((PullException) e).kind()).isEqualTo(PullException.Kind.NO_SPACE));
    assertUntouched();
  }
}
