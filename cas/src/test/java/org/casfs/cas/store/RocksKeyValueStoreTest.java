package org.casfs.cas.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key-value contract on the repository's RocksDB, in a real temporary directory. */
class RocksKeyValueStoreTest extends KeyValueStoreContract {
  @TempDir
  Path tmp;
  Repository repo;

  @Override
  protected KeyValueStore kv() throws IOException {
    repo = Repository.init(tmp.resolve("repo"), RepoConfig.defaults());
    return repo.kv();
  }

  @AfterEach
  void close() throws IOException {
    if (repo != null) {
      repo.close();
    }
  }

  @Test
  void syncedWritesSurviveReopeningAndNewSpacesToo() throws IOException {
    kv().batch().put("refs", b("current"), b("v9")).put("peers", b("p"), b("x")).commit(true);
    repo.close();
    repo = Repository.open(tmp.resolve("repo"));
    assertThat(repo.kv().getOrNull("refs", b("current"))).isEqualTo(b("v9"));
    assertThat(repo.kv().getOrNull("peers", b("p"))).isEqualTo(b("x"));
  }
}
