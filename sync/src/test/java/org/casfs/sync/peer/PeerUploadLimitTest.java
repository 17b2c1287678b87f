package org.casfs.sync.peer;

import java.nio.file.Path;
import java.time.Clock;
import org.casfs.cas.ObjectId;
import org.casfs.sync.Client;
import org.casfs.sync.LimitedPulls;
import org.casfs.sync.Origin;
import org.casfs.sync.wire.RateLimit;
import org.casfs.sync.trust.TrustStore;
import org.casfs.txn.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code casfs peer --max-upload-rate}: a laptop serving a neighbour sends no faster than its limit. */
class PeerUploadLimitTest {
  @TempDir Path tmp;

  @Test
  void aPeerWithAnUploadLimitSendsNoFasterThanIt() throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin"));
        Client neighbour = new Client(tmp.resolve("neighbour"), origin.key.publicKey())) {
      ObjectId v1 = LimitedPulls.publishedVersion(origin);
      try (Peer peer = new Peer(LoopbackPeer.config(), Versions.of(origin.repo),
          TrustStore.open(origin.repo.keysDir()), line -> {}, Clock.systemUTC())
          .limitUploads(new RateLimit(LimitedPulls.RATE)).start()) {
        LimitedPulls.assertNoFasterThan(LimitedPulls.RATE, v1,
            () -> neighbour.pull("http://127.0.0.1:" + peer.port() + "/", true));
      }
    }
  }
}
