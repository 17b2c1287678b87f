package org.casfs.tools.command;

import java.io.IOException;
import java.nio.file.Path;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.Repository;
import org.casfs.sync.delta.DeltaBudget;
import org.casfs.sync.delta.DeltaFetchHook;
import org.casfs.sync.delta.DeltaFrameDecoder;
import org.casfs.sync.delta.DeltaService;
import org.casfs.sync.delta.DeltaStore;
import org.casfs.sync.delta.TreeDeltaFrameDecoder;
import org.casfs.sync.delta.VersionDeltas;
import org.casfs.sync.pull.Puller;
import org.casfs.sync.server.Server;

/**
 * The deltas of one repository as the CLI uses them: kept in {@code REPO/staging/deltas} (the
 * same place {@code casfs peer} keeps them), computed between two versions by {@code casfs delta}
 * and {@code casfs sign}, served by {@code casfs serve}, received by {@code casfs pull}, published
 * by {@code casfs mirror}. Stateless; thread-safety is that of the sync classes it wires.
 */
final class RepoDeltas {
  /** What an origin's store may hold: a few versions' deltas of a system image. */
  static final long BUDGET_BYTES = 1L << 30;
  /** What a client keeps of the deltas it received (to serve neighbours): as {@code casfs peer}. */
  static final long CLIENT_BUDGET_BYTES = 256L << 20;
  /** Workers computing deltas on an origin (each within {@link DeltaBudget#defaults()}). */
  static final int THREADS = 2;

  private RepoDeltas() {}

  static DeltaStore open(Repository repo) throws IOException {
    return DeltaStore.openShared(repo.stagingDir("deltas"), BUDGET_BYTES);
  }

  /** Computes and stores the deltas from {@code oldVersion} to {@code newVersion}. */
  static VersionDeltas.Report compute(Repository repo, ObjectId oldVersion, ObjectId newVersion) throws IOException {
    return new VersionDeltas(repo.objectDatabase(), DeltaBudget.defaults(), THREADS)
        .compute(oldVersion, newVersion, open(repo));
  }

  /** One line: how many deltas and their bytes against the compressed whole blobs. */
  static String summary(VersionDeltas.Report r) {
    int count = r.chosenCount().values().stream().mapToInt(Integer::intValue).sum();
    int files = r.files().size();
    return count + (count == 1 ? " delta (" : " deltas (") + files + (files == 1 ? " changed file, " : " changed files, ")
        + r.unpairedAdded() + " added), "
        + r.wireBytes() + " bytes on the wire instead of " + r.wholeCompressedBytes() + " compressed, in "
        + r.nanos() / 1_000_000 + " ms";
  }

  /** Serves stored deltas at {@code /v1/deltas/} and in fetch streams, computing others on demand (bounded). */
  static Server serveDeltas(Server server, Repository repo) throws IOException {
    DeltaService service = DeltaService.forPeer(repo.objectDatabase(), open(repo));
    return server.deltaSource(service).addFetchHook(new DeltaFetchHook(service));
  }

  /** Lets a pull receive delta frames; the verified deltas are kept to serve neighbours. */
  static Puller acceptDeltas(Puller puller, Repository repo) throws IOException {
    DeltaStore keep = DeltaStore.openShared(repo.stagingDir("deltas"), CLIENT_BUDGET_BYTES);
    return puller.addDecoder(new DeltaFrameDecoder(repo.stagingDir("tmp-deltas"), keep))
        .addDecoder(new TreeDeltaFrameDecoder());
  }

  /** The stored deltas, with those a pull in this process received and has not written yet: what a mirror copies. */
  static DeltaStore forMirror(Repository repo) throws IOException {
    DeltaStore store = open(repo);
    store.writeKept();
    return store;
  }
}
