package org.casfs.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.casfs.cas.ObjectId;
import org.casfs.sync.trust.Head;
import org.casfs.sync.trust.SignedHead;
import org.casfs.sync.trust.SigningKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An origin renews its offered head before it expires: not before half its validity has passed,
 * then the same version with the next sequence and as long a validity, which a client that has the
 * version takes without fetching anything or switching; never a head of several signers or of
 * another key.
 */
class PublisherRenewalTest {
  private static final long DAY = Duration.ofDays(1).toMillis();

  @TempDir Path tmp;

  @Test
  void theOfferedHeadIsRenewedOnceHalfItsValidityHasPassed() throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin"));
        Client laptop = new Client(tmp.resolve("laptop"), origin.key.publicKey())) {
      ObjectId v = TestImages.version(origin.repo.objectDatabase(), "stable", 1, 3, 2, 5, 0, null);
      AtomicLong clock = new AtomicLong(System.currentTimeMillis());
      new Publisher(origin.repo.objectDatabase(), origin.state, origin.key, clock::get).publish(v, Duration.ofDays(7));
      origin.serve();
      assertThat(laptop.pull(origin.url(), true).manifest()).isEqualTo(v);
      Publisher renewal = new Publisher(origin.repo.objectDatabase(), origin.state, origin.key, clock::get);

      clock.addAndGet(3 * DAY);
      assertThat(renewal.renewIfDue()).isEqualTo(new Publisher.Renewal(null, null));
      assertThat(origin.state.offeredHeadOrNull().headUnverified().sequence()).isEqualTo(1);

      clock.addAndGet(DAY); // 4 of 7 days
      Publisher.Renewal o = renewal.renewIfDue();
      Head renewed = o.renewedOrNull().headUnverified();
      assertThat(renewed.manifest().id()).isEqualTo(v);
      assertThat(renewed.sequence()).isEqualTo(2);
      assertThat(renewed.issuedMillis()).isEqualTo(clock.get());
      assertThat(renewed.expiresMillis()).isEqualTo(clock.get() + 7 * DAY);
      assertThat(o.messageOrNull()).startsWith("renewed the offered head stable#1 (" + v.name() + ") before it expires: now #2");
      assertThat(origin.state.offeredHeadOrNull().encode()).isEqualTo(o.renewedOrNull().encode());

      // The laptop accepts the renewed head (a peer then offers it on): nothing is fetched.
      assertThat(laptop.pull(origin.url(), true).objectsFetched()).isZero();
      assertThat(laptop.refs.currentOrNull()).isEqualTo(v);
      assertThat(laptop.state.acceptedHeadOrNull(v).headUnverified().sequence()).isEqualTo(2);
    }
  }

  /**
   * An origin whose clock was set back (a dead clock battery; no time server without the
   * internet) would sign heads that expire in the past for every machine whose clock is right: it
   * refuses to sign, and to renew, saying why, and signs when told its clock is right.
   */
  @Test
  void aClockSetBackSignsNoHeadThatWouldExpireInThePast() throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin"))) {
      ObjectId v = TestImages.version(origin.repo.objectDatabase(), "stable", 1, 3, 2, 5, 0, null);
      AtomicLong clock = new AtomicLong(System.currentTimeMillis());
      Publisher publisher = new Publisher(origin.repo.objectDatabase(), origin.state, origin.key, clock::get);
      publisher.publish(v, Duration.ofDays(7));
      byte[] offered = origin.state.offeredHeadOrNull().encode();

      clock.addAndGet(-365 * DAY); // set back a year at boot
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> publisher.publish(v, Duration.ofDays(7)))
          .isInstanceOf(ClockBehindException.class)
          .hasMessageContaining("before the offered head stable#1 was signed")
          .hasMessageContaining("too soon or already past for every machine whose clock is right")
          .hasMessageContaining("--clock-is-right");
      assertThat(origin.state.offeredHeadOrNull().encode()).as("nothing signed").isEqualTo(offered);
      Publisher.Renewal r = publisher.renewIfDue();
      assertThat(r.renewedOrNull()).isNull();
      assertThat(r.messageOrNull()).contains("cannot be renewed until the clock is right");

      clock.addAndGet(-5 * 60_000L + 365 * DAY); // five minutes slow: another machine's clock, not a wrong one
      assertThat(publisher.publish(v, Duration.ofDays(7)).headUnverified().sequence()).isEqualTo(2);
      clock.addAndGet(-365 * DAY);
      assertThat(new Publisher(origin.repo.objectDatabase(), origin.state, origin.key, clock::get).trustingThisClock()
          .publish(v, Duration.ofDays(7)).headUnverified().sequence()).isEqualTo(3);
    }
  }

  @Test
  void aHeadOfAnotherKeyOrOfSeveralSignersIsNotRenewed() throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin"))) {
      ObjectId v = TestImages.version(origin.repo.objectDatabase(), "stable", 1, 3, 2, 5, 0, null);
      AtomicLong clock = new AtomicLong(System.currentTimeMillis());
      new Publisher(origin.repo.objectDatabase(), origin.state, origin.key, clock::get).publish(v, Duration.ofDays(7));
      clock.addAndGet(5 * DAY);
      SigningKey other = SigningKey.generate();
      Publisher.Renewal o = new Publisher(origin.repo.objectDatabase(), origin.state, other, clock::get).renewIfDue();
      assertThat(o.renewedOrNull()).isNull();
      assertThat(o.messageOrNull()).contains("is signed by another key, so this key cannot renew it");

      new Publisher(origin.repo.objectDatabase(), origin.state, other, clock::get).cosign(v);
      o = new Publisher(origin.repo.objectDatabase(), origin.state, origin.key, clock::get).renewIfDue();
      assertThat(o.renewedOrNull()).isNull();
      assertThat(o.messageOrNull()).contains("is signed by several keys");
      SignedHead still = origin.state.offeredHeadOrNull();
      assertThat(still.signatures()).hasSize(2);
      assertThat(still.headUnverified().sequence()).isEqualTo(1);
    }
  }
}
