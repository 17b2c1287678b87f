package org.casfs.cas.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

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

  @Test
  void spacesMadeTogetherAreThereAfterReopeningAndMakingThemAgainChangesNothing() throws Exception {
    KeyValueStore kv = kv();
    kv.batch().put("a", b("k"), b("1")).commit(true);
    kv.createSpaces(List.of("a", "b", "c", "b"));
    kv.createSpaces(List.of("c"));
    kv.batch().put("c", b("k"), b("3")).commit(true);
    repo.close();
    List<String> families = new ArrayList<>();
    for (byte[] name : RocksDB.listColumnFamilies(new Options(), tmp.resolve("repo/db").toString())) {
      families.add(new String(name, StandardCharsets.UTF_8));
    }
    assertThat(families).contains("a", "b", "c").containsAll(DiskObjectStore.KEY_SPACES).doesNotHaveDuplicates();
    repo = Repository.open(tmp.resolve("repo"));
    assertThat(repo.kv().getOrNull("a", b("k"))).isEqualTo(b("1"));
    assertThat(repo.kv().getOrNull("c", b("k"))).isEqualTo(b("3"));
    assertThat(repo.kv().getOrNull("b", b("k"))).isNull();
  }
}
