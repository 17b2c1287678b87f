package org.casfs.sync.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.util.List;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.sync.Client;
import org.casfs.sync.Mirror;
import org.casfs.sync.Origin;
import org.casfs.sync.TestImages;
import org.casfs.sync.trust.SignatureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A laptop running #2 stages #4 from one stick, then is given an older stick holding #3 (a valid
 * head, signed by its origin): the pull compared only with what runs, staged #3 over #4 and ended
 * with 0, and {@code casfs status} showed #3 staged while the laptop offered #4. A head older than
 * anything staged or offered is now refused as not newer (exit 7); the same version again is
 * still taken (to switch to it).
 */
class ReplayedOlderHeadTest {
  @TempDir Path tmp;

  @Test
  void anOlderStickAfterANewerOneIsRefusedAndTheNewerStaysStaged() throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin"));
        Client client = new Client(tmp.resolve("client"), origin.key.publicKey())) {
      ObjectDatabase db = origin.repo.objectDatabase();
      ObjectId v2 = TestImages.version(db, "stable", 2, 7, 2, 3, 0, null);
      ObjectId v3 = TestImages.version(db, "stable", 3, 7, 2, 3, 0.3, v2);
      ObjectId v4 = TestImages.version(db, "stable", 4, 7, 2, 3, 0.6, v3);
      Path m2 = tmp.resolve("m2");
      Path mA = tmp.resolve("mA");
      Path mB = tmp.resolve("mB");
      origin.publish(v2);
      new Mirror(db, origin.state).write(m2);
      origin.publish(v3);
      new Mirror(db, origin.state).write(mA);
      origin.publish(v4);
      new Mirror(db, origin.state).write(mB);

      client.pull(List.of(new DirSource(m2)), true);
      assertThat(client.refs.current).isEqualTo(v2);
      assertThat(client.pull(List.of(new DirSource(mB)), false).manifest()).isEqualTo(v4);
      assertThat(client.refs.staged).isEqualTo(v4);
      client.refs.changes.clear();

      Throwable e = catchThrowable(() -> client.pull(List.of(new DirSource(mA)), false));
      assertThat(e).isInstanceOf(PullException.class).hasMessageContaining("sequence 3")
          .hasMessageContaining("older than sequence 4").hasMessageContaining("already accepted");
      assertThat(e.getCause()).isInstanceOf(SignatureException.class);
      assertThat(((SignatureException) e.getCause()).reason()).isEqualTo(SignatureException.Reason.NOT_NEWER);
      assertThat(client.refs.changes).isEmpty();
      assertThat(client.refs.staged).isEqualTo(v4);
      assertThat(client.refs.current).isEqualTo(v2);
      assertThat(client.state.offeredHeadOrNull().headUnverified().manifestId()).isEqualTo(v4);

      // The staged version itself, again, is taken: that is how a user switches to it.
      Puller.Result again = client.pull(List.of(new DirSource(mB)), true);
      assertThat(again.manifest()).isEqualTo(v4);
      assertThat(client.refs.current).isEqualTo(v4);
    }
  }
}
