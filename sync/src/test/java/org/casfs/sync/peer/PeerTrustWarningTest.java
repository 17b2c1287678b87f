package org.casfs.sync.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.casfs.sync.Origin;
import org.casfs.sync.trust.TrustStore;
import org.casfs.txn.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A peer that trusts no key says at start that it will take no version, and how to fix it. */
class PeerTrustWarningTest {
  @TempDir Path tmp;

  @Test
  void aPeerThatTrustsNoKeySaysSo() throws Exception {
    try (Origin laptop = new Origin(tmp.resolve("laptop"))) {
      TrustStore trust = TrustStore.open(laptop.repo.keysDir());
      List<String> log = new CopyOnWriteArrayList<>();
      try (Peer peer = new Peer(LoopbackPeer.config(), Versions.of(laptop.repo), trust, log::add, Clock.systemUTC())
          .start()) {
        assertThat(log).anyMatch(l -> l.contains("trusts no key") && l.contains("casfs trust KEY"));
      }
      trust.add(laptop.key.publicKey());
      log.clear();
      try (Peer peer = new Peer(LoopbackPeer.config(), Versions.of(laptop.repo), trust, log::add, Clock.systemUTC())
          .start()) {
        assertThat(log).isNotEmpty().noneMatch(l -> l.contains("trusts no key"));
      }
    }
  }
}
