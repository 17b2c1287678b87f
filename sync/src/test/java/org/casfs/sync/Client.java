package org.casfs.sync;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.casfs.sync.pull.HttpSource;
import org.casfs.sync.pull.PullConfig;
import org.casfs.sync.pull.Puller;
import org.casfs.sync.pull.Source;
import org.casfs.sync.trust.PublicKey;
import org.casfs.sync.trust.TrustStore;

/** A test client: a repository that trusts one key, refs in memory, a puller. */
public final class Client implements Closeable {
  public final Repository repo;
  public final TrustStore trust;
  public final SyncState state;
  public final MemoryVersionRefs refs = new MemoryVersionRefs();
  public PullConfig config = PullConfig.defaults();

  public Client(Path dir, PublicKey trusted) throws IOException {
    this(dir, trusted, RepoConfig.defaults());
  }

  public Client(Path dir, PublicKey trusted, RepoConfig config) throws IOException {
    repo = Repository.init(dir, config);
    trust = TrustStore.open(repo.keysDir());
    if (trusted != null) {
      trust.add(trusted);
    }
    state = new SyncState(repo.kv());
  }

  public Puller puller() {
    return new Puller(repo.objectDatabase(), state, trust, repo.config().channel(), refs, config, repo.dir(),
        System::currentTimeMillis);
  }

  public Puller.Result pull(String url, boolean switchAfter) throws IOException {
    return puller().pull(List.of(new HttpSource(url, config)), switchAfter);
  }

  public Puller.Result pull(List<Source> sources, boolean switchAfter) throws IOException {
    return puller().pull(sources, switchAfter);
  }

  @Override
  public void close() throws IOException {
    repo.close();
  }
}
