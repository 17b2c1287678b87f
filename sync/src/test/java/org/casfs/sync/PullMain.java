package org.casfs.sync;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.casfs.sync.pull.HttpSource;
import org.casfs.sync.pull.PullConfig;
import org.casfs.sync.pull.PullListener;
import org.casfs.sync.pull.PullProgress;
import org.casfs.sync.pull.Puller;
import org.casfs.sync.pull.TxnVersionRefs;
import org.casfs.sync.trust.PublicKey;
import org.casfs.sync.trust.TrustStore;
import org.casfs.txn.Versions;

/**
 * A client process for crash tests: {@code PullMain REPO URL KEY RESULT-FILE}; pulls and switches.
 * Prints {@code durable N} each time the pull has made its first N stored bytes durable, and
 * writes {@code MANIFEST BYTES-STORED BYTES-RECEIVED} to RESULT-FILE at the end.
 */
public final class PullMain {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    try (Repository repo = Repository.isRepository(dir) ? Repository.open(dir) : Repository.init(dir, RepoConfig.defaults())) {
      TrustStore trust = TrustStore.open(repo.keysDir());
      trust.add(PublicKey.parse(args[2]));
      PullConfig config = PullConfig.defaults();
      Puller.Result r = new Puller(repo.objectDatabase(), new SyncState(repo.kv()), trust, repo.config().channel(),
          new TxnVersionRefs(Versions.of(repo)), config, repo.dir(), System::currentTimeMillis)
          .listener(new PullListener() {
            @Override
            public void progress(PullProgress p) {}

            @Override
            public void durable(long bytesDone) {
              synchronized (System.out) {
                System.out.println("durable " + bytesDone);
                System.out.flush();
              }
            }
          })
          .pull(List.of(new HttpSource(args[1], config)), true);
      Files.writeString(Path.of(args[3]), r.manifest() + " " + r.bytesStored() + " " + r.bytesReceived() + "\n");
    }
  }
}
