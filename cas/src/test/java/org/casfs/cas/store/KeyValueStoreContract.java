package org.casfs.cas.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link KeyValueStore} shares. */
abstract class KeyValueStoreContract {
  protected abstract KeyValueStore kv() throws IOException;

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static String s(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  @Test
  void putGetDeleteInOneSpace() throws IOException {
    KeyValueStore kv = kv();
    assertThat(kv.getOrNull("refs", b("current"))).isNull();
    kv.batch().put("refs", b("current"), b("v1")).commit(true);
    assertThat(kv.getOrNull("refs", b("current"))).isEqualTo(b("v1"));
    kv.batch().put("refs", b("current"), b("v2")).commit(false);
    assertThat(kv.getOrNull("refs", b("current"))).isEqualTo(b("v2"));
    kv.batch().delete("refs", b("current")).commit(true);
    assertThat(kv.getOrNull("refs", b("current"))).isNull();
    kv.batch().delete("refs", b("never-there")).commit(true);
  }

  @Test
  void spacesAreIndependent() throws IOException {
    KeyValueStore kv = kv();
    kv.batch().put("a", b("k"), b("1")).put("b", b("k"), b("2")).commit(true);
    assertThat(kv.getOrNull("a", b("k"))).isEqualTo(b("1"));
    assertThat(kv.getOrNull("b", b("k"))).isEqualTo(b("2"));
    assertThat(kv.getOrNull("c", b("k"))).isNull();
    List<String> keys = new ArrayList<>();
    kv.scan("c", new byte[0], (k, v) -> keys.add(s(k)));
    assertThat(keys).isEmpty();
  }

  @Test
  void scansVisitAPrefixInUnsignedByteOrderAndStopWhenAsked() throws IOException {
    KeyValueStore kv = kv();
    KeyValueStore.Batch batch = kv.batch();
    for (String k : new String[] {"h/\u00ff", "h/b", "h/a", "h/\u0080x", "h", "g/z", "i/a", "h/a/1"}) {
      batch.put("hist", b(k), b("v" + k));
    }
    batch.commit(true);
    List<String> keys = new ArrayList<>();
    kv.scan("hist", b("h/"), (k, v) -> {
      assertThat(s(v)).isEqualTo("v" + s(k));
      return keys.add(s(k));
    });
    assertThat(keys).containsExactly("h/a", "h/a/1", "h/b", "h/\u0080x", "h/\u00ff");
    List<String> first = new ArrayList<>();
    kv.scan("hist", new byte[0], (k, v) -> {
      first.add(s(k));
      return first.size() < 2;
    });
    assertThat(first).containsExactly("g/z", "h");
  }

  @Test
  void valuesAreCopies() throws IOException {
    KeyValueStore kv = kv();
    byte[] value = b("abc");
    byte[] key = b("k");
    kv.batch().put("s", key, value).commit(true);
    value[0] = 'X';
    key[0] = 'Y';
    byte[] read = kv.getOrNull("s", b("k"));
    assertThat(read).isEqualTo(b("abc"));
    read[0] = 'Z';
    assertThat(kv.getOrNull("s", b("k"))).isEqualTo(b("abc"));
  }

  @Test
  void aBatchAppliesInOrderAndAllTogether() throws Exception {
    KeyValueStore kv = kv();
    kv.batch().put("s", b("x"), b("1")).delete("s", b("x")).put("s", b("y"), b("2")).commit(true);
    assertThat(kv.getOrNull("s", b("x"))).isNull();
    assertThat(kv.getOrNull("s", b("y"))).isEqualTo(b("2"));
    // A reader never sees half of a two-key batch (the root flip: current and previous together).
    kv.batch().put("refs", b("current"), b("0")).put("refs", b("previous"), b("0")).commit(true);
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<?> writer = pool.submit(() -> {
        for (int i = 1; !stop.get(); i++) {
          kv.batch().put("refs", b("current"), b("" + i)).put("refs", b("previous"), b("" + i)).commit(false);
        }
        return null;
      });
      try {
        for (int scan = 0; scan < 20_000; scan++) {
          List<String> seen = new ArrayList<>();
          kv.scan("refs", new byte[0], (k, v) -> seen.add(s(v)));
          assertThat(seen).hasSize(2);
          assertThat(seen.get(0)).as("both keys from one batch").isEqualTo(seen.get(1));
        }
      } finally {
        stop.set(true);
      }
      writer.get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
  }
}
