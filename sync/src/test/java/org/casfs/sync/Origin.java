package org.casfs.sync;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.casfs.sync.server.Server;
import org.casfs.sync.server.ServerConfig;
import org.casfs.sync.trust.SignedHead;
import org.casfs.sync.trust.SigningKey;

/** A test origin: a repository, a signing key, a publisher and (once started) a server on loopback. */
public final class Origin implements Closeable {
  public final Repository repo;
  public final SigningKey key = SigningKey.generate();
  public final SyncState state;
  public Server server;

  public Origin(Path dir) throws IOException {
    repo = Repository.init(dir, RepoConfig.defaults());
    state = new SyncState(repo.kv());
  }

  public SignedHead publish(ObjectId manifest) throws IOException {
    repo.flush();
    return new Publisher(repo.objectDatabase(), state, key, System::currentTimeMillis).publish(manifest, Duration.ofDays(1));
  }

  public Origin serve() throws IOException {
    server = new Server(repo.objectDatabase(), state, ServerConfig.loopback(0)).start();
    return this;
  }

  public String url() {
    return server.url();
  }

  @Override
  public void close() throws IOException {
    if (server != null) {
      server.close();
    }
    repo.close();
  }
}
