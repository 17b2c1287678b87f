package org.casfs.sync.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.casfs.cas.Entry;
import org.casfs.cas.ObjectId;
import org.casfs.cas.check.Fsck;
import org.casfs.cas.check.FsckReport;
import org.casfs.cas.check.Problem;
import org.casfs.cas.io.Checkout;
import org.casfs.cas.io.ImportOptions;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.casfs.cas.store.Snapshot;
import org.casfs.sync.Mirror;
import org.casfs.sync.Nginx;
import org.casfs.sync.Origin;
import org.casfs.sync.SyncState;
import org.casfs.sync.trust.TrustStore;
import org.casfs.txn.Imports;
import org.casfs.txn.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Debian pair: an origin imports and signs v1, a client pulls and switches; the origin
 * imports v2, the client pulls the update in one round trip after head and its checkout equals
 * v2; nginx serves a mirror and a fresh client pulls v2 from it; repair restores damage.
 */
class CorpusPullTest {
  static final Path CORPUS = Path.of(System.getProperty("casfs.corpus", "/var/cache/casfs-corpus"));
  @TempDir Path tmp;

  static final class TxnClient implements AutoCloseable {
    final Repository repo;
    final Versions versions;
    final Puller puller;

    TxnClient(Path dir, Origin origin) throws IOException {
      repo = Repository.init(dir, RepoConfig.defaults());
      versions = Versions.of(repo);
      TrustStore trust = TrustStore.open(repo.keysDir());
      trust.add(origin.key.publicKey());
      puller = new Puller(repo.objectDatabase(), new SyncState(repo.kv()), trust, repo.config().channel(),
          new TxnVersionRefs(versions), PullConfig.defaults(), repo.dir(), System::currentTimeMillis);
    }

    @Override
    public void close() throws IOException {
      Versions.release(repo);
      repo.close();
    }
  }

  private static ObjectId importVersion(Origin origin, String name) throws Exception {
    Versions v = Versions.of(origin.repo);
    ObjectId m = new Imports(v).run(CORPUS.resolve(name), name, ImportOptions.defaults(), null).manifest();
    origin.publish(m);
    return m;
  }

  private static void assertSameTree(Path expected, Path actual) throws Exception {
    Process p = new ProcessBuilder("diff", "-r", "--no-dereference", expected.toString(), actual.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    // diff cannot compare device nodes and fifos; it only says so when both sides have one.
    List<String> differences = out.lines()
        .filter(l -> !l.matches("File .* is a (character special file|block special file|fifo|socket) while file .* is a \\1"))
        .toList();
    assertThat(differences).isEmpty();
    assertThat(listing(expected)).isEqualTo(listing(actual));
  }

  /** Type, mode, owner, size, mtime (ns), symlink target and device numbers of every path. */
  private static String listing(Path root) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", "cd '" + root + "' && find . -printf '%p %y %m %U %G %s %T@ %l\\n' | sort")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(300, TimeUnit.SECONDS);
    // Directory sizes depend on the filesystem's allocation, not on the image.
    return out.lines().map(l -> l.matches("\\S+ d .*") ? l.replaceFirst("^(\\S+ d \\S+ \\S+ \\S+) \\S+", "$1") : l)
        .reduce("", (a, b) -> a + b + "\n");
  }

  @Test
  void originToClientUpdateMirrorOnNginxAndRepair() throws Exception {
    assumeTrue(Files.isDirectory(CORPUS.resolve("v1")) && Files.isDirectory(CORPUS.resolve("v2")),
        "the Debian corpus is not built at " + CORPUS);
    try (Origin origin = new Origin(tmp.resolve("origin")).serve();
        TxnClient client = new TxnClient(tmp.resolve("client"), origin)) {
      ObjectId v1 = importVersion(origin, "v1");
      Puller.Result r1 = client.puller.pull(List.of(new HttpSource(origin.url(), PullConfig.defaults())), true);
      assertThat(r1.manifest()).isEqualTo(v1);
      assertThat(client.versions.refs().currentOrNull()).isEqualTo(v1);

      ObjectId v2 = importVersion(origin, "v2");
      long before = origin.server.requestCount();
      Puller.Result r2 = client.puller.pull(List.of(new HttpSource(origin.url(), PullConfig.defaults())), true);
      long roundTripsAfterHead = origin.server.requestCount() - before - 1;
      assertThat(r2.manifest()).isEqualTo(v2);
      assertThat(roundTripsAfterHead).isLessThanOrEqualTo(2);
      assertThat(client.versions.refs().currentOrNull()).isEqualTo(v2);
      assertThat(client.versions.refs().previousOrNull()).isEqualTo(v1);
      System.out.printf("v1 pull: %d bytes on the wire; v1->v2 update: %d bytes, %d round trips after head%n",
          r1.bytesReceived(), r2.bytesReceived(), roundTripsAfterHead);
      Path out = tmp.resolve("checkout-v2");
      new Checkout(client.repo.objectDatabase()).checkout(Snapshot.open(client.repo.objectDatabase(), v2), out, null);
      assertSameTree(CORPUS.resolve("v2"), out);

      // A static mirror served by Debian's nginx: a fresh client pulls v2 with GETs only.
      Path mirrorDir = tmp.resolve("mirror");
      new Mirror(origin.repo.objectDatabase(), origin.state).write(mirrorDir);
      assumeTrue(Nginx.available(), "nginx is not installed");
      try (Nginx nginx = new Nginx(mirrorDir, tmp.resolve("nginx"));
          TxnClient fresh = new TxnClient(tmp.resolve("fresh"), origin)) {
        Puller.Result r = fresh.puller.pull(List.of(new HttpSource(nginx.url(), PullConfig.defaults())), true);
        assertThat(r.manifest()).isEqualTo(v2);
        assertThat(new Fsck(fresh.repo.objects()).roots(List.of(v2)).run().isClean()).isTrue();
        assertThat(Files.readString(nginx.dir.resolve("access.log"))).doesNotContain("POST /v1/objects");

        // Repair: delete and corrupt objects of the running v2, fsck finds them, repair restores them.
        List<ObjectId> victims = bigBlobs(client.repo, v2, 4);
        client.repo.objects().remove(victims.get(0));
        client.repo.objects().remove(victims.get(1));
        for (ObjectId c : victims.subList(2, 4)) {
          Path f = client.repo.objects().loosePath(c);
          f.toFile().setWritable(true);
          try (OutputStream o = Files.newOutputStream(f, java.nio.file.StandardOpenOption.WRITE)) {
            o.write(new byte[] {1, 2, 3});
          }
        }
        FsckReport damaged = new Fsck(client.repo.objects()).roots(List.of(v2)).run();
        assertThat(damaged.problemCount()).isGreaterThanOrEqualTo(4);
        List<ObjectId> corrupt = new ArrayList<>();
        for (Problem p : damaged.problems()) {
          if (p.kind() == Problem.Kind.CORRUPT) {
            corrupt.add(p.id());
          }
        }
        Puller.RepairResult rr = client.puller.repair(List.of(new HttpSource(nginx.url(), PullConfig.defaults())),
            corrupt, List.of(v2));
        assertThat(rr.objectsFetched()).isEqualTo(4);
        assertThat(new Fsck(client.repo.objects()).roots(List.of(v1, v2)).run().isClean()).isTrue();
      }
    }
  }

  private static List<ObjectId> bigBlobs(Repository repo, ObjectId version, int n) throws IOException {
    List<ObjectId> out = new ArrayList<>();
    collect(repo, repo.objectDatabase().readManifest(version).rootId(), out, n);
    return out;
  }

  private static void collect(Repository repo, ObjectId tree, List<ObjectId> out, int n) throws IOException {
    for (Entry e : repo.objectDatabase().readTree(tree).entries()) {
      if (out.size() >= n) {
        return;
      }
      if (e.isDirectory()) {
        collect(repo, e.childId(), out, n);
      } else if (e.isRegular() && e.size() > 100_000 && !out.contains(e.childId())) {
        out.add(e.childId());
      }
    }
  }
}
